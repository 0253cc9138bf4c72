using System.Globalization;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// Activation-patching maps of a task (TransformerLens' <c>patching</c> heat maps): each cell patches one component
/// (<see cref="PatchingMapOptions"/>) from the clean run into the corrupted run (or the reverse) through
/// <see cref="ActivationPatcher"/> and records the normalized metric (m − m_corrupt) / (m_clean − m_corrupt), on the
/// fixed scale [−1, 1]: layer × position for the residual-stream components, layer × head for the heads at all positions,
/// head × position for heads at chosen positions.
/// </summary>
public static class PatchingMap
{
    /// <summary>The <c>--what</c> names and the patcher components they patch.</summary>
    public static IReadOnlyDictionary<string, string> Components { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["resid-pre"] = "resid_pre",
        ["attn-out"] = "attn_out",
        ["mlp-out"] = "mlp_out",
        ["head-z"] = "z",
        ["head-q"] = "q",
        ["head-k"] = "k",
        ["head-v"] = "v",
        ["head-pattern"] = "pattern",
    };

    /// <summary>Patches <paramref name="task"/>'s prompts (one batch) and returns the map.</summary>
    public static PatchReport Run(
        HookedTransformer model, ITokenizer? tokenizer, TaskDataset task, IMetric metric, PatchingMapOptions options, string modelName, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        Check(model, options, task.Prompts.Min(p => p.Length));
        using var batch = TaskBatch.From(task);
        using var function = new TaskMetricFunction(model, batch, metric);
        var (run, source) = options.Denoise ? (batch.Corrupt, batch.Clean) : (batch.Clean, batch.Corrupt);
        using var patcher = new ActivationPatcher(model, run, source, function.Evaluate, batch.AttentionMask);
        double clean = options.Denoise ? patcher.CorruptedMetric : patcher.CleanMetric;
        double corrupt = options.Denoise ? patcher.CleanMetric : patcher.CorruptedMetric;
        if (Math.Abs(clean - corrupt) <= 1e-9 * Math.Max(1, Math.Abs(clean)))
        {
            throw new BadInputException(
                $"--task {task.Name}: the clean and corrupted prompts give the same {metric.Name} ({clean.ToString("G6", CultureInfo.InvariantCulture)}), so there is nothing to normalize a patch by");
        }

        var context = new PatchingMapContext(modelName, task.Name, task.Prompts.Count, metric.Name, PositionLabels(tokenizer, task, batch.Length));
        return Compute(model, patcher, options, clean, corrupt, context, progress);
    }

    /// <summary>
    /// The map from an existing <paramref name="patcher"/> (its run and source prompts as the caller chose them), normalized
    /// by <paramref name="cleanMetric"/> and <paramref name="corruptMetric"/>.
    /// </summary>
    public static PatchReport Compute(
        HookedTransformer model,
        ActivationPatcher patcher,
        PatchingMapOptions options,
        double cleanMetric,
        double corruptMetric,
        PatchingMapContext context,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(patcher);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        Check(model, options, context.Positions.Count);
        var config = model.Config;
        string component = Components[options.What];
        bool headKind = options.What.StartsWith("head-", StringComparison.Ordinal);
        int heads = component is "k" or "v" ? config.EffectiveNKeyValueHeads : config.NHeads;
        var layers = Enumerable.Range(0, config.NLayers).ToList();
        var positions = options.Positions ?? Enumerable.Range(0, context.Positions.Count).ToList();
        var columnLabels = positions.Select(p => context.Positions[p]).ToList();
        List<PatchCell> cells;
        List<string> rows, columns;
        string rowAxis, columnAxis;
        if (!headKind)
        {
            cells = layers.SelectMany(l => positions.Select(p => new PatchCell(l, p, null))).ToList();
            (rows, rowAxis, columns, columnAxis) = (layers.Select(Number).ToList(), "layer", columnLabels, "position");
        }
        else if (options.Positions is null)
        {
            cells = layers.SelectMany(l => Enumerable.Range(0, heads).Select(h => new PatchCell(l, null, h))).ToList();
            (rows, rowAxis, columns, columnAxis) = (layers.Select(Number).ToList(), "layer", Enumerable.Range(0, heads).Select(Number).ToList(), heads == config.NHeads ? "head" : "key/value head");
        }
        else
        {
            cells = layers.SelectMany(l => Enumerable.Range(0, heads).SelectMany(h => positions.Select(p => new PatchCell(l, p, h)))).ToList();
            (rows, rowAxis, columns, columnAxis) = (layers.SelectMany(l => Enumerable.Range(0, heads).Select(h => HeadLabel.Name(l, h))).ToList(), "head", columnLabels, "position");
        }

        var results = patcher.Patch(component, cells, progress);
        var raw = new double[rows.Count, columns.Count];
        var normalized = new double[rows.Count, columns.Count];
        int perRow = columns.Count;
        for (int i = 0; i < results.Count; i++)
        {
            int r = i / perRow, c = i % perRow;
            raw[r, c] = results[i].Metric;
            normalized[r, c] = (results[i].Metric - corruptMetric) / (cleanMetric - corruptMetric);
        }

        string direction = options.Denoise ? "clean into corrupted" : "corrupted into clean";
        string title = $"{context.Model}: {options.What} patching, {direction} ({context.Task}, {context.Metric})";
        var map = ViewMap.From($"patch-{options.What}", title, rowAxis, columnAxis, rows, columns, normalized, "normalized metric", -1, 1);
        var rawMap = ViewMap.From($"patch-{options.What}-raw", title, rowAxis, columnAxis, rows, columns, raw, context.Metric);
        return new PatchReport(context.Model, context.Task, context.Prompts, options.What, options.Denoise, context.Metric, cleanMetric, corruptMetric, map, rawMap);
    }

    /// <summary>
    /// Labels of a task's positions: the task's <c>seq_labels</c> where it has one per position, else <c>{position}:{token}</c>
    /// of the first clean prompt (<c>{position}</c> alone past its end).
    /// </summary>
    public static IReadOnlyList<string> PositionLabels(ITokenizer? tokenizer, TaskDataset task, int length)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.SeqLabels is { } labels && labels.Count == length)
        {
            return labels.Select((l, i) => string.Create(CultureInfo.InvariantCulture, $"{i}:{l}")).ToList();
        }

        var first = task.Prompts[0].Clean;
        return Enumerable.Range(0, length)
            .Select(i => i < first.Count ? string.Create(CultureInfo.InvariantCulture, $"{i}:{TokenLabels.Token(tokenizer, first[i])}") : Number(i))
            .ToList();
    }

    private static void Check(HookedTransformer model, PatchingMapOptions options, int length)
    {
        if (!Components.ContainsKey(options.What))
        {
            throw new BadInputException($"--what: unknown component '{options.What}' (expected {string.Join(", ", Components.Keys)})");
        }

        if (options.What == "mlp-out" && !model.Config.HasMlp)
        {
            throw new BadInputException($"--what mlp-out: model '{model.Config.ModelName}' is attention-only, it has no MLP");
        }

        if (options.Positions is { } positions)
        {
            if (positions.Count == 0)
            {
                throw new BadInputException("--positions: no positions given");
            }

            foreach (int p in positions)
            {
                if (p < 0 || p >= length)
                {
                    throw new BadInputException($"--positions: position {p} is out of range (the prompts have positions 0..{length - 1})");
                }
            }
        }
    }

    private static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);
}
