using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Modules;
using CircuitFinder.Model.Routing;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Tasks;
using static TorchSharp.torch;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// Causal scrubbing (Chan et al. 2022) over a task's clean prompts, which must all have one length. One plain forward
/// records every source's output on every prompt; a scrubbed run then rebuilds, for each prompt x, the output as the
/// hypothesis says it may be computed:
/// <list type="bullet">
/// <item>a node n evaluated on prompt x gets, on each input (q, k, v or the MLP / logits input), the residual stream of
/// a random prompt r (one r per evaluation), in which the output of every hypothesis parent p is swapped for p's
/// scrubbed output on a prompt x′ that agrees with x on the edge's feature (<see cref="ScrubMode.Tree"/>: each path
/// its own x′, recursively, as the paper's treeified graph) — <c>input = resid(r) + Σ_p (scrub(p, x′) − out_p(r))</c>;
/// everything outside the hypothesis thus carries random-prompt activations;</item>
/// <item>the <c>input</c> node on prompt x′ is x′'s embedding; the logits are read at x's read position and scored
/// against x's answer.</item>
/// </list>
/// The loss is the cross-entropy of the first answer token. Works at head and q/k/v level.
/// </summary>
public sealed class CausalScrubber : IDisposable
{
    private readonly HookedTransformer _model;
    private readonly HookedTransformerConfig _cfg;
    private readonly IReadOnlyList<TransformerBlock> _blocks;
    private readonly GraphLayout _layout;
    private readonly TaskDataset _dataset;
    private readonly SourceRecord _record;
    private readonly ForwardContext _context; // one prompt's mask and (shortformer) positions, broadcast over the prompts
    private readonly long[] _readPositions;
    private readonly long[] _answers;
    private readonly int _count;
    private readonly long _length;

    public CausalScrubber(HookedTransformer model, ComputeGraph graph, TaskDataset dataset)
    {
        if (graph.Level == GraphLevel.Neuron)
        {
            throw new BadInputException("causal scrubbing works on head or q/k/v level graphs, not on neurons");
        }

        if (model.Config.UseNormalizationBeforeAndAfter)
        {
            // a head's output is its share of the normalized sum of all its layer's heads (docs/architectures.md): a
            // single head evaluated on its own inputs, as the scrubber evaluates nodes, has no such output
            throw new BadInputException(
                $"causal scrubbing evaluates single heads on their own inputs, which a model with sandwich norms ({model.Config.OriginalArchitecture ?? model.Config.ModelName}: use_normalization_before_and_after) does not define; use faithfulness instead");
        }

        int length = dataset.Prompts[0].Length;
        int other = dataset.Prompts.ToList().FindIndex(p => p.Length != length);
        if (other >= 0)
        {
            throw new BadInputException(
                $"causal scrubbing resamples activations between prompts, so they must have one length: prompt 0 has {length} tokens, prompt {other} has {dataset.Prompts[other].Length}");
        }

        _model = model;
        _cfg = model.Config;
        _blocks = model.Blocks;
        _layout = new GraphLayout(graph, _cfg);
        _dataset = dataset;
        _count = dataset.Prompts.Count;
        _length = length;
        _readPositions = dataset.Prompts.Select(p => (long)p.EffectiveReadPosition).ToArray();
        _answers = dataset.Prompts.Select(p => (long)p.Answers[0]).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(dataset.Prompts.SelectMany(p => p.Clean.Select(t => (long)t)).ToArray(), [_count, length], device: model.Device);
        _record = new EdgeMaskedForward(model, _layout).Record(new PatchingInput(tokens));
        var context = model.Context(tokens.narrow(0, 0, 1), null);
        _context = context with
        {
            Blocked = context.Blocked?.DetachFromDisposeScope(),
            PromptBlocked = context.PromptBlocked?.DetachFromDisposeScope(),
            Positions = context.Positions?.DetachFromDisposeScope(),
            PromptPositions = context.PromptPositions?.DetachFromDisposeScope(),
        };
    }

    public ComputeGraph Graph => _layout.Graph;

    /// <summary>Node evaluations one draw of <paramref name="hypothesis"/> costs in <paramref name="mode"/> (the budget counts these).</summary>
    public static int Cost(Hypothesis hypothesis, ScrubMode mode)
    {
        if (mode == ScrubMode.Node)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { "logits" };
            var stack = new Stack<Node>([Node.Logits]);
            while (stack.Count > 0)
            {
                foreach (var (edge, feature) in hypothesis.Incoming(stack.Pop()))
                {
                    if (edge.Source.Kind != NodeKind.Input && seen.Add(edge.Source.Id + "|" + feature.Describe()))
                    {
                        stack.Push(edge.Source);
                    }
                }
            }

            return seen.Count;
        }

        var memo = new Dictionary<Node, long>();
        long Tree(Node n)
        {
            if (n.Kind == NodeKind.Input)
            {
                return 0;
            }

            if (!memo.TryGetValue(n, out long c))
            {
                c = 1 + hypothesis.Incoming(n).Sum(x => Tree(x.Edge.Source));
                memo[n] = c = Math.Min(c, int.MaxValue);
            }

            return c;
        }

        return (int)Tree(Node.Logits);
    }

    /// <summary>Scrubs <paramref name="hypothesis"/>: <see cref="ScrubOptions.Draws"/> draws over every prompt.</summary>
    public ScrubResult Run(Hypothesis hypothesis, ScrubOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        if (hypothesis.Graph.Level != Graph.Level)
        {
            throw new ArgumentException($"hypothesis is at {hypothesis.Graph.Level} level, the scrubber at {Graph.Level}", nameof(hypothesis));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        int cost = Cost(hypothesis, options.Mode);
        if (cost > options.Budget)
        {
            throw new BadInputException(
                $"hypothesis '{hypothesis.Name}': the {options.Mode.ToString().ToLowerInvariant()} evaluation needs {cost} node evaluations per draw, over the budget of {options.Budget} " +
                "(raise --scrub-budget or use --scrub node, the node-level approximation)");
        }

        var features = Features(hypothesis);
        var random = new Random(options.Seed);
        var model = new List<double>();
        var randomLoss = new List<double>();
        var scrubbed = new List<double>();
        using var noGrad = no_grad();
        for (int draw = 0; draw < options.Draws; draw++)
        {
            for (int start = 0; start < _count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var roots = Enumerable.Range(start, Math.Min(options.BatchSize, _count - start)).Select(i => (long)i).ToArray();
                using var context = new Context(hypothesis, options.Mode, features, random, roots);
                var logits = Evaluate(Node.Logits, roots, context); // [B, v]
                var r = RandomPrompts(random, roots.Length);
                scrubbed.AddRange(Loss(logits, roots));
                randomLoss.AddRange(Loss(Unembed(_record.ResidFinal.Rows(Index(r)), roots), roots));
                model.AddRange(Loss(Unembed(_record.ResidFinal.Rows(Index(roots)), roots), roots));
            }

            progress?.Report((draw + 1, options.Draws));
        }

        int n = scrubbed.Count;
        double Mean(List<double> values, IReadOnlyList<int> idx) => idx.Average(i => values[i]);
        double Recovered(IReadOnlyList<int> idx)
        {
            double lr = Mean(randomLoss, idx), lm = Mean(model, idx), ls = Mean(scrubbed, idx);
            return lr == lm ? double.NaN : (lr - ls) / (lr - lm);
        }

        int b = options.BootstrapSamples; // one seed: every statistic sees the same resamples
        return new ScrubResult(
            hypothesis.Name,
            options.Mode,
            Bootstrap.Percentile(n, idx => Mean(model, idx), b, options.Seed),
            Bootstrap.Percentile(n, idx => Mean(randomLoss, idx), b, options.Seed),
            Bootstrap.Percentile(n, idx => Mean(scrubbed, idx), b, options.Seed),
            Bootstrap.Percentile(n, Recovered, b, options.Seed),
            cost,
            n,
            options.Draws);
    }

    /// <summary>
    /// The scrubbed logits <c>[B, v]</c> of one draw over the first <see cref="ScrubOptions.BatchSize"/> prompts, on the
    /// model's device; nothing is read back (the device tests run this on a device without data).
    /// </summary>
    internal Tensor ScrubbedLogits(Hypothesis hypothesis, ScrubOptions options)
    {
        using var noGrad = no_grad();
        var roots = Enumerable.Range(0, Math.Min(options.BatchSize, _count)).Select(i => (long)i).ToArray();
        using var context = new Context(hypothesis, options.Mode, Features(hypothesis), new Random(options.Seed), roots);
        return Evaluate(Node.Logits, roots, context);
    }

    public void Dispose()
    {
        _record.Dispose();
        _context.Blocked?.Dispose();
        _context.PromptBlocked?.Dispose();
        _context.Positions?.Dispose();
        _context.PromptPositions?.Dispose();
    }

    private Dictionary<string, FeatureIndex> Features(Hypothesis hypothesis)
    {
        var features = new Dictionary<string, FeatureIndex>(StringComparer.Ordinal);
        foreach (var feature in hypothesis.Edges.Values)
        {
            features.TryAdd(feature.Describe(), new FeatureIndex(feature.Keys(_dataset)));
        }

        return features;
    }

    /// <summary>Node <paramref name="node"/>'s scrubbed output on prompts <paramref name="x"/>: <c>[B, p, d]</c>, or logits <c>[B, v]</c>.</summary>
    private Tensor Evaluate(Node node, long[] x, Context context)
    {
        if (node.Kind == NodeKind.Input)
        {
            return _record.Outputs[_layout.SourceIndex(Node.Input)].Rows(Index(x)); // [B, p, d]
        }

        using var scope = NewDisposeScope(); // this evaluation's intermediates; the output moves out
        var r = Index(RandomPrompts(context.Random, x.Length));
        int channels = node.IsHead && Graph.Level == GraphLevel.Qkv ? 3 : 1;
        var baseInput = Slot(node).Rows(r); // [B, p, d]: everything from the random prompt
        var inputs = Enumerable.Repeat(baseInput, channels).ToArray();
        foreach (var (edge, feature) in context.Hypothesis.Incoming(node))
        {
            var value = context.Mode == ScrubMode.Tree
                ? Evaluate(edge.Source, context.Features[feature.Describe()].Resample(x, context.Random), context)
                : context.Shared(edge.Source, feature, () => Evaluate(edge.Source, context.Features[feature.Describe()].Resample(context.Roots, context.Random), context));
            var plain = _record.Outputs[_layout.SourceIndex(edge.Source)].Rows(r); // [B, p, d]
            int c = channels == 1 ? 0 : GraphLayout.Channel(edge);
            inputs[c] = inputs[c] + value - plain;
        }

        var output = node.Kind switch
        {
            NodeKind.Logits => Unembed(inputs[0], x),
            NodeKind.Mlp => _blocks[node.Layer].MlpOutput(inputs[0]), // [B, p, d]
            NodeKind.AttentionHead => Head(node, inputs[0], inputs[Math.Min(1, channels - 1)], inputs[channels - 1]),
            _ => throw new InvalidOperationException($"cannot scrub node {node.Id}"),
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>One head's output z·W_O on separate (pre-normalization) q, k, v inputs <c>[B, p, d]</c>, through the block's own code.</summary>
    private Tensor Head(Node head, Tensor q, Tensor k, Tensor v) =>
        _blocks[head.Layer].HeadResults(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), [head.Index], _context)[0]; // [B, p, d]

    /// <summary>The residual stream a destination reads, on every prompt: <c>[N, p, d]</c>.</summary>
    private Tensor Slot(Node node) => node.Kind switch
    {
        NodeKind.AttentionHead => _record.ResidPre[node.Layer],
        NodeKind.Mlp => _record.MlpIn[node.Layer]!,
        NodeKind.Logits => _record.ResidFinal,
        _ => throw new InvalidOperationException($"{node.Id} is not a destination"),
    };

    /// <summary>Logits <c>[B, v]</c> from a final residual stream <c>[B, p, d]</c>, read at the read positions of prompts <paramref name="x"/>.</summary>
    private Tensor Unembed(Tensor resid, long[] x) =>
        _model.Logits(resid, tensor(x.Select(i => _readPositions[i]).ToArray(), device: resid.device), fireHooks: false); // [B, v]

    /// <summary>Cross-entropy of each prompt's first answer: one value per row.</summary>
    private double[] Loss(Tensor logits, long[] x)
    {
        var answers = tensor(x.Select(i => _answers[i]).ToArray(), device: logits.device).unsqueeze(1); // [B, 1]
        var loss = -logits.log_softmax(-1).gather(1, answers).squeeze(1); // [B]
        return loss.to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    private long[] RandomPrompts(Random random, int count) => Enumerable.Range(0, count).Select(_ => (long)random.Next(_count)).ToArray();

    private Tensor Index(long[] x) => tensor(x, device: _model.Device);

    /// <summary>
    /// One batch of one draw: the hypothesis, the mode, feature indices, the random source, the original prompts and (node
    /// mode) the shared outputs, which live until the batch is done.
    /// </summary>
    private sealed class Context(Hypothesis hypothesis, ScrubMode mode, IReadOnlyDictionary<string, FeatureIndex> features, Random random, long[] roots)
        : IDisposable
    {
        private readonly Dictionary<string, Tensor> _shared = new(StringComparer.Ordinal);

        public Hypothesis Hypothesis { get; } = hypothesis;

        public ScrubMode Mode { get; } = mode;

        public IReadOnlyDictionary<string, FeatureIndex> Features { get; } = features;

        public Random Random { get; } = random;

        public long[] Roots { get; } = roots;

        public Tensor Shared(Node node, InputFeature feature, Func<Tensor> compute)
        {
            string key = node.Id + "|" + feature.Describe();
            if (!_shared.TryGetValue(key, out var value))
            {
                _shared[key] = value = compute().DetachFromDisposeScope(); // outlives the evaluation that asked first
            }

            return value;
        }

        public void Dispose()
        {
            foreach (var t in _shared.Values)
            {
                t.Dispose();
            }
        }
    }
}
