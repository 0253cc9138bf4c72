using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Routing;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The edge-masked forward pass (DESIGN.md, "Patching semantics"): each destination's input is the residual stream of
/// this run minus, for every ablated edge into it, the source's current output plus its ablated output —
/// <c>input_d = resid − Σ_{s: (s,d) ∈ A} (x_s − x̃_s)</c>, which equals Σ unablated x_s + Σ ablated x̃_s + biases.
/// Several edge sets run at once as variants along the batch dimension; a run resumes from the earliest layer any set
/// touches, starting from the clean residual stream there. Both the recording run and the masked run go through the
/// model's own blocks (<see cref="HookedTransformer.RunBlocks"/>), routed by <see cref="RecordRoute"/> and
/// <see cref="EdgeMaskRoute"/>; nothing here repeats the block wiring.
/// </summary>
public sealed class EdgeMaskedForward
{
    private readonly HookedTransformer _model;
    private readonly GraphLayout _layout;
    private readonly HookedTransformerConfig _cfg;

    private readonly int _denseMinimumEdges;

    /// <summary>The largest delta buffer a dense run allocates; above it a run falls back to per-edge subtraction.</summary>
    private const long DenseMaximumBytes = 2L << 30;

    /// <summary>
    /// An engine for <paramref name="model"/> over <paramref name="layout"/>'s graph. Runs that ablate fewer than
    /// <paramref name="denseMinimumEdges"/> edges subtract each edge's delta from its destination's input; from that many
    /// on, deltas live in one buffer and corrections are matrix products (<c>int.MaxValue</c>: never).
    /// </summary>
    public EdgeMaskedForward(HookedTransformer model, GraphLayout layout, int denseMinimumEdges = 64)
    {
        _denseMinimumEdges = denseMinimumEdges;
        _model = model;
        _layout = layout;
        _cfg = model.Config;
    }

    public GraphLayout Layout => _layout;

    /// <summary>
    /// Runs <paramref name="input"/> unablated and records every source's output and the residual streams.
    /// <paramref name="inputSource"/> <c>[batch, pos, d_model]</c> replaces the <c>input</c> node's output (noisy embeddings).
    /// </summary>
    public SourceRecord Record(PatchingInput input, Tensor? inputSource = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var context = _model.Context(input.Tokens, input.AttentionMask);
        var x0 = inputSource?.to(_model.Device) ?? _model.Embeddings(input.Tokens).Input; // [b, p, d]
        var route = new RecordRoute(_model, _layout, x0);
        var final = _model.RunBlocks(0, x0, context, route); // [b, p, d]
        return new SourceRecord(
            route.Stacked(),
            route.ResidPre.Select(t => t.clone()).ToList(),
            final.clone(),
            route.MlpIn.Select(t => t?.clone()).ToList());
    }

    /// <summary>
    /// Logits for each edge set (variant): <c>[variants, batch, d_vocab_out]</c> at the input's read positions, or
    /// <c>[variants, batch, pos, d_vocab_out]</c> when it has none. <paramref name="clean"/> is <see cref="Record"/> of
    /// the same input; <paramref name="ablated"/> holds x̃ per source.
    /// </summary>
    /// <remarks>
    /// <paramref name="clean"/> may instead be <see cref="RecordAblated"/> of a base set B (<paramref name="recordedWith"/>
    /// = B): then each set S resumes from the earliest layer that an edge of S △ B feeds, on B's residual stream and B's
    /// source outputs below it, which S shares there. Tests of B ∪ {e} (ACDC on top of a pre-ablated set) resume from
    /// e's layer however many edges B holds.
    /// </remarks>
    public Tensor Run(
        PatchingInput input, SourceRecord clean, SourceOutputs ablated, IReadOnlyList<IReadOnlyCollection<Edge>> sets, bool resume = true, IReadOnlySet<Edge>? recordedWith = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int variants = sets.Count;
        long b = input.Batch, p = input.Positions, d = _cfg.DModel;
        var entries = new List<(int Variant, Edge Edge)>();
        for (int v = 0; v < variants; v++)
        {
            // an edge listed twice is ablated once; graph order makes the sums (and so the floats) independent of how
            // the caller's collection happens to iterate
            entries.AddRange(_layout.Ordered(sets[v]).Select(e => (v, e)));
        }

        int start = resume ? Enumerable.Range(0, variants).Select(v => StartLayer(sets[v], recordedWith)).Min() : 0;
        var deltas = NewDeltas(variants, entries.Count, b, p, ablated.Outputs); // x_s − x̃_s
        var positions = Rows(input, ablated.Outputs);
        using var neurons = _layout.NeuronLevel && ablated.Post is not null ? new NeuronDeltas(_model, _layout, ablated, variants, positions) : null;
        foreach (var source in entries.Select(x => x.Edge.Source).Distinct())
        {
            if (GraphLayout.SourceLayer(source) < start && source.Kind == NodeKind.Neuron && !neurons!.Has(source.Layer))
            {
                var post = clean.Sources.Post![source.Layer]; // [b, p, m]: the layers below the start are the clean run's
                var gain = clean.Sources.Gain?[source.Layer]; // [b, p, d]
                neurons.Set(source.Layer, post.unsqueeze(0).expand(variants, b, p, post.shape[^1]), gain?.unsqueeze(0).expand(variants, b, p, d));
            }
            else if (GraphLayout.SourceLayer(source) < start && source.Kind != NodeKind.Neuron)
            {
                int s = _layout.SourceIndex(source);
                deltas.Set(s, (clean.Outputs[s] - ablated.Outputs[s]).unsqueeze(0).expand(variants, b, p, d));
            }
        }

        var read = input.ReadPositions?.to(ScalarType.Int64).to(_model.Device); // [b]
        var context = _model.Context(input.Tokens, input.AttentionMask, variants);
        if (read is not null && !_layout.NeuronLevel)
        {
            context = context with { FinalReadPositions = VariantBatch.Repeat(read, variants) }; // [V·b]: the last MLP at the read positions only
        }

        var startResid = start < _cfg.NLayers ? clean.ResidPre[start] : clean.ResidFinal;
        var route = new EdgeMaskRoute(_model, _layout, entries, deltas, ablated.Outputs, variants, b, p, readPositions: read, positions: positions, neurons: neurons);
        var final = _model.RunBlocks(start, VariantBatch.Repeat(startResid, variants), context, route); // [V·b, p, d], or [V·b, 1, d] at the read positions
        var logits = _model.Logits(final, fireHooks: false); // [V·b, p|1, v]
        return (read is null ? logits.view(variants, b, p, logits.shape[^1]) : logits.view(variants, b, logits.shape[^1])).MoveToOuterDisposeScope();
    }

    /// <summary>The row groups of a run on a positional graph (null without positions).</summary>
    private PositionRows? Rows(PatchingInput input, Tensor ablated) =>
        _layout.Positions is { } positions ? PositionRows.For(input, positions.Count, positions.Mode == PositionMode.All, ablated.dtype) : null;

    /// <summary>
    /// The deltas of a run of <paramref name="variants"/> sets holding <paramref name="edges"/> ablated edges in all: many
    /// edges keep them in one buffer, so corrections are matrix products (<see cref="SourceDeltas"/>), unless the graph is
    /// at neuron level or the buffer would pass <see cref="DenseMaximumBytes"/>.
    /// </summary>
    private SourceDeltas NewDeltas(int variants, int edges, long b, long p, Tensor ablated)
    {
        long d = _cfg.DModel;
        long denseBytes = (long)variants * _layout.Sources.Count * b * p * d * ablated.element_size();
        bool dense = !_layout.NeuronLevel && edges >= _denseMinimumEdges && denseBytes <= DenseMaximumBytes;
        return new SourceDeltas(variants, _layout.Sources.Count, b, p, d, dense, ablated.dtype, ablated.device);
    }

    /// <summary>
    /// The earliest layer a run of <paramref name="set"/> must start from: the first layer an edge of it feeds (n_layers
    /// for none), or, against a record made with <paramref name="recordedWith"/> ablated, the first layer an edge of
    /// their symmetric difference feeds (below it the two runs are the same).
    /// </summary>
    public int StartLayer(IReadOnlyCollection<Edge> set, IReadOnlySet<Edge>? recordedWith = null)
    {
        int start = _cfg.NLayers;
        foreach (var edge in set)
        {
            if (recordedWith is null || !recordedWith.Contains(edge))
            {
                start = Math.Min(start, _layout.DestinationLayer(edge));
            }
        }

        if (recordedWith is { Count: > 0 })
        {
            var members = set as IReadOnlySet<Edge> ?? set.ToHashSet();
            foreach (var edge in recordedWith)
            {
                if (!members.Contains(edge))
                {
                    start = Math.Min(start, _layout.DestinationLayer(edge));
                }
            }
        }

        return start;
    }

    /// <summary>
    /// Runs <paramref name="input"/> with <paramref name="set"/> ablated and records what <see cref="Record"/> records
    /// of a clean run: every source's output in that run, the residual stream entering each layer (before any
    /// destination's correction) and the final stream, so that later runs of sets close to it can resume on it
    /// (<see cref="Run"/>'s <c>recordedWith</c>). Not at neuron level.
    /// </summary>
    public SourceRecord RecordAblated(PatchingInput input, SourceRecord clean, SourceOutputs ablatedSources, IReadOnlyCollection<Edge> set)
    {
        if (_layout.NeuronLevel)
        {
            throw new NotSupportedException("ablated records are kept for head- and q/k/v-level graphs only");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ablated = ablatedSources.Outputs;
        long b = input.Batch, p = input.Positions, d = _cfg.DModel;
        var entries = _layout.Ordered(set).Select(e => (0, e)).ToList();
        var deltas = NewDeltas(1, entries.Count, b, p, ablated);
        int inputSource = _layout.SourceIndex(Node.Input);
        var x0 = clean.Outputs[inputSource]; // [b, p, d]: the input node has no incoming edge
        deltas.Set(inputSource, (x0 - ablated[inputSource]).unsqueeze(0)); // [1, b, p, d]
        var recorder = new RecordRoute(_model, _layout, x0);
        var route = new EdgeMaskRoute(_model, _layout, entries, deltas, ablated, 1, b, p, recorder, positions: Rows(input, ablated));
        var context = _model.Context(input.Tokens, input.AttentionMask);
        _model.RunBlocks(0, x0, context, route);
        return new SourceRecord(
            recorder.Stacked(),
            recorder.ResidPre.Select(t => t.clone()).ToList(),
            route.RawFinal!.clone(),
            recorder.MlpIn.Select(t => t?.clone()).ToList());
    }
}
