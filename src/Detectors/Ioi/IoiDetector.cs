using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Tasks;
using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Ioi;

/// <summary>
/// Task-based detectors on IOI prompts (Wang et al. 2022), as columns:
/// <list type="bullet">
/// <item><c>io-attention</c>: attention from END to IO.</item>
/// <item><c>name-mover</c>: the head's direct logit attribution to IO − S at END (its output through the final
/// normalization, with the clean run's scale, onto W_U[IO] − W_U[S]) as a share of the model's IO − S logit difference;
/// <c>negative-name-mover</c> is its negative.</item>
/// <item><c>s-inhibition</c>: for heads before the name movers, path patching (<see cref="PathPatcher"/>) from the head on
/// the corrupted (ABC) prompt to the name movers' queries, as the share of the clean − corrupted logit difference lost.
/// The name movers are the heads labelled <c>name-mover</c>, else the top name-mover head.</item>
/// </list>
/// </summary>
public sealed class IoiDetector : IHeadDetector
{
    public string Name => "ioi";

    public string Description =>
        "IOI name movers (END→IO attention, direct logit attribution to IO − S), negative name movers, S-inhibition heads (path patching to the movers' queries)";

    public DetectorResult Run(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (dataset, reason) = IoiTaskSource.Resolve(context);
        if (dataset is null)
        {
            return DetectorResult.NotApplicable($"ioi: not applicable ({reason})");
        }

        var model = context.Model;
        var prompts = dataset.Prompts;
        long[] io = prompts.Select(p => (long)IoiPositions.Io(p)).ToArray();
        long[] s = prompts.Select(p => (long)IoiPositions.S(p)!.Value).ToArray();
        long[] end = prompts.Select(p => (long)IoiPositions.End(p)).ToArray();
        long[] ioToken = prompts.Select((p, i) => (long)p.Clean[(int)io[i]]).ToArray();
        long[] sToken = prompts.Select((p, i) => (long)p.Clean[(int)s[i]]).ToArray();
        int layers = context.NLayers, heads = context.NHeads;
        using var batch = TaskBatch.From(dataset);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Device;
        var rows = arange(prompts.Count, device: device);
        var endIndex = tensor(end, device: device);
        var ioIndex = tensor(io, device: device);
        var unembedDirection = (model.Unembed.W_U.index_select(1, tensor(ioToken, device: device))
            - model.Unembed.W_U.index_select(1, tensor(sToken, device: device))).t(); // [b, d]

        var names = Enumerable.Range(0, layers).SelectMany(l => new[] { HookName.Pattern(l), HookName.Z(l) }).ToList();
        if (model.LnFinal is not null)
        {
            names.Add(HookName.FinalScale);
        }

        var clean = batch.Clean.to(device);
        var mask = batch.AttentionMask?.to(device);
        var (logits, cache) = model.RunWithCache(clean, names, mask); // [b, p, v]
        using var _ = cache;
        PatchingMetric logitDiff = l => LogitDifference(l, endIndex, tensor(ioToken, device: device), tensor(sToken, device: device));
        double cleanDiff = logitDiff(logits);
        double denominator = Math.Max(Math.Abs(cleanDiff), 1e-6);

        var ioAttention = new List<double?>();
        var nameMover = new List<double?>();
        for (int layer = 0; layer < layers; layer++)
        {
            var pattern = cache[HookName.Pattern(layer)]; // [b, h, q, k]
            var attention = pattern.permute(0, 2, 3, 1)[rows, endIndex, ioIndex]; // [b, h]
            ioAttention.AddRange(attention.mean([0L]).to_type(ScalarType.Float64).cpu().data<double>().ToArray().Select(v => (double?)v));
            var z = cache[HookName.Z(layer)][rows, endIndex]; // [b, h, e]
            var output = einsum("bhe,hed->bhd", z, model.Blocks[layer].Attn.W_O); // [b, h, d]
            output = FinalNormalization(model, output, cache, rows, endIndex); // [b, h, d]
            var dla = (output * unembedDirection.unsqueeze(1)).sum([2L]).mean([0L]); // [h]
            nameMover.AddRange(dla.to_type(ScalarType.Float64).cpu().data<double>().ToArray().Select(v => (double?)(v / denominator)));
        }

        var notes = new List<string>
        {
            $"ioi: {prompts.Count} prompts of task {dataset.Name}; clean logit difference IO − S {cleanDiff:F3}",
        };
        var sInhibition = SInhibition(context, batch, logitDiff, nameMover, ioAttention, notes);
        return new DetectorResult
        {
            Columns =
            [
                new ScoreColumn("io-attention", ioAttention),
                new ScoreColumn("name-mover", nameMover),
                new ScoreColumn("negative-name-mover", nameMover.Select(v => -v).ToList()),
                new ScoreColumn("s-inhibition", sInhibition),
            ],
            Notes = notes,
            Examples = new Dictionary<string, IReadOnlyList<string>> { ["ioi prompt"] = context.TokenStrings(prompts[0].Clean.Select(t => (long)t)) },
        };
    }

    /// <summary>Mean over prompts of logits[END, IO] − logits[END, S]; <paramref name="logits"/> is <c>[b, p, v]</c>.</summary>
    private static double LogitDifference(Tensor logits, Tensor end, Tensor ioToken, Tensor sToken)
    {
        using var scope = NewDisposeScope();
        var rows = arange(logits.shape[0], device: logits.device);
        var last = logits[rows, end]; // [b, v]
        return (last[rows, ioToken] - last[rows, sToken]).mean().item<float>();
    }

    /// <summary>Per-head outputs <c>[b, h, d]</c> through ln_final as the clean run applied it: centred (LN), divided by its scale, times w.</summary>
    private static Tensor FinalNormalization(Model.HookedTransformer model, Tensor output, Model.Hooks.ActivationCache cache, Tensor rows, Tensor end)
    {
        var type = model.Config.NormalizationType;
        if (model.LnFinal is null || type == NormalizationType.None)
        {
            return output;
        }

        if (type is NormalizationType.LN or NormalizationType.LNPre)
        {
            output = output - output.mean([-1L], keepdim: true);
        }

        var scale = cache[HookName.FinalScale][rows, end]; // [b, 1]
        output = output / scale.unsqueeze(1);
        var weight = model.named_parameters().FirstOrDefault(p => p.name == "ln_final.w").parameter;
        return weight is null ? output : output * weight;
    }

    private static List<double?> SInhibition(
        DetectorContext context, TaskBatch batch, PatchingMetric logitDiff, List<double?> nameMover, List<double?> ioAttention, List<string> notes)
    {
        int heads = context.NHeads;
        var scores = Enumerable.Repeat<double?>(null, context.NLayers * heads).ToList();
        var mover = HeadCategories.All.Single(c => c.Label == "name-mover");
        var movers = Enumerable.Range(0, nameMover.Count)
            .Where(i => mover.Matches(column => column == "name-mover" ? nameMover[i] : column == "io-attention" ? ioAttention[i] : null))
            .ToList();
        if (movers.Count == 0)
        {
            int best = Enumerable.Range(0, nameMover.Count).MaxBy(i => nameMover[i] ?? double.MinValue);
            if ((nameMover[best] ?? 0) <= 0)
            {
                notes.Add("s-inhibition: no head writes IO − S; nothing to path-patch to");
                return scores;
            }

            movers = [best];
        }

        var receivers = movers.Select(i => new PathReceiver(i / heads, i % heads, QkvChannel.Q)).ToList();
        if (receivers.Min(r => r.Layer) == 0)
        {
            notes.Add($"s-inhibition: a name mover ({string.Join(", ", receivers)}) is in layer 0; no head can send to it");
            return scores;
        }

        using var patcher = new PathPatcher(context.Model, batch.Clean, batch.Corrupt, logitDiff, batch.AttentionMask);
        double effect = patcher.CleanMetric - patcher.CorruptedMetric;
        if (Math.Abs(effect) < 1e-6)
        {
            notes.Add("s-inhibition: the corrupted prompts leave the logit difference unchanged; no score");
            return scores;
        }

        foreach (var result in patcher.PatchEverySender(receivers))
        {
            scores[(result.SenderLayer * heads) + result.SenderHead] = (patcher.CleanMetric - result.Metric) / effect;
        }

        notes.Add($"s-inhibition: path patching to the queries of {string.Join(", ", receivers.Select(r => $"L{r.Layer}H{r.Head}"))}; " +
            $"clean {patcher.CleanMetric:F3}, corrupted {patcher.CorruptedMetric:F3}");
        return scores;
    }
}
