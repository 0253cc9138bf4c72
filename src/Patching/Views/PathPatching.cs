using System.Globalization;
using System.Text.RegularExpressions;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// Path patching of a task (<see cref="PathPatcher"/>, Wang et al. 2022): the sender head's output from the corrupted run
/// reaches only the receivers (heads' queries, keys or values, or the logits) of the clean run; the metric normalized as
/// (m − m_corrupt) / (m_clean − m_corrupt), so 1 means the path does not matter and 0 that it carries the whole effect.
/// Without a sender every head that can reach the receivers is tried (a layer × head map).
/// </summary>
public static partial class PathPatching
{
    /// <summary>
    /// Parses <c>L10H7:q,L11H10:k,logits</c>: heads with <c>:q</c>, <c>:k</c> or <c>:v</c>, and <c>logits</c> (the residual
    /// stream after the last layer). Errors name <paramref name="option"/> and the item.
    /// </summary>
    public static IReadOnlyList<PathReceiver> ParseReceivers(string text, HookedTransformer model, string option = "--receivers")
    {
        ArgumentNullException.ThrowIfNull(model);
        var receivers = new List<PathReceiver>();
        foreach (var item in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "logits")
            {
                receivers.Add(PathReceiver.ResidPost(model.Config.NLayers - 1));
                continue;
            }

            var match = ReceiverPattern().Match(item);
            if (!match.Success)
            {
                throw new BadInputException($"{option}: '{item}' is not a receiver (expected L{{layer}}H{{head}}:q, :k or :v, or logits)");
            }

            var channel = match.Groups[2].Value.ToLowerInvariant() switch { "q" => QkvChannel.Q, "k" => QkvChannel.K, _ => QkvChannel.V };
            int heads = channel == QkvChannel.Q ? model.Config.NHeads : model.Config.EffectiveNKeyValueHeads;
            var head = HeadLabel.Parse(match.Groups[1].Value, model.Config.NLayers, heads, option);
            receivers.Add(new PathReceiver(head.Layer, head.Head, channel));
        }

        if (receivers.Count == 0)
        {
            throw new BadInputException($"{option}: no receivers given (e.g. L10H7:q,logits)");
        }

        return receivers;
    }

    /// <summary>Path patching from <paramref name="sender"/> (null: every head that can reach all receivers) to <paramref name="receivers"/>.</summary>
    public static PatchReport Run(
        HookedTransformer model, TaskDataset task, IMetric metric, HeadLabel? sender, IReadOnlyList<PathReceiver> receivers, string modelName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(receivers);
        int lastSender = receivers.Min(r => r.IsResidPost ? r.Layer : r.Layer - 1);
        if (lastSender < 0)
        {
            throw new BadInputException($"--receivers: {receivers.First(r => !r.IsResidPost && r.Layer == 0)} is in layer 0, which no head can send to");
        }

        if (sender is { } s && s.Layer > lastSender)
        {
            throw new BadInputException($"--sender {s}: a head in layer {s.Layer} cannot reach receivers in layer {lastSender + 1} or earlier");
        }

        using var batch = TaskBatch.From(task);
        using var function = new TaskMetricFunction(model, batch, metric);
        using var patcher = new PathPatcher(model, batch.Clean, batch.Corrupt, function.Evaluate, batch.AttentionMask);
        double clean = patcher.CleanMetric, corrupt = patcher.CorruptedMetric;
        if (Math.Abs(clean - corrupt) <= 1e-9 * Math.Max(1, Math.Abs(clean)))
        {
            throw new BadInputException($"--task {task.Name}: the clean and corrupted prompts give the same {metric.Name}, so there is nothing to normalize a patch by");
        }

        string receiverText = string.Join(", ", receivers.Select(r => r.IsResidPost && r.Layer == model.Config.NLayers - 1 ? "logits" : r.ToString()));
        double Normalized(double m) => (m - corrupt) / (clean - corrupt);
        string title = $"{modelName}: path patching to {receiverText} ({task.Name}, {metric.Name})";
        ViewMap map, raw;
        string what;
        if (sender is { } one)
        {
            var result = patcher.Patch(one.Layer, one.Head, receivers);
            var labels = new[] { one.ToString() };
            var columns = new[] { receiverText };
            map = ViewMap.From("path", title, "sender", "receivers", labels, columns, new double[,] { { Normalized(result.Metric) } }, "normalized metric", -1, 1);
            raw = ViewMap.From("path-raw", title, "sender", "receivers", labels, columns, new double[,] { { result.Metric } }, metric.Name);
            what = $"path {one} -> {receiverText}";
        }
        else
        {
            var results = patcher.PatchEverySender(receivers);
            var values = new double[model.Config.NLayers, model.Config.NHeads];
            var rawValues = new double[model.Config.NLayers, model.Config.NHeads];
            for (int l = 0; l < model.Config.NLayers; l++)
            {
                for (int h = 0; h < model.Config.NHeads; h++)
                {
                    values[l, h] = rawValues[l, h] = double.NaN;
                }
            }

            foreach (var r in results)
            {
                values[r.SenderLayer, r.SenderHead] = Normalized(r.Metric);
                rawValues[r.SenderLayer, r.SenderHead] = r.Metric;
            }

            var layers = Enumerable.Range(0, model.Config.NLayers).Select(Number).ToList();
            var heads = Enumerable.Range(0, model.Config.NHeads).Select(Number).ToList();
            map = ViewMap.From("path", title, "sender layer", "sender head", layers, heads, values, "normalized metric", -1, 1);
            raw = ViewMap.From("path-raw", title, "sender layer", "sender head", layers, heads, rawValues, metric.Name);
            what = $"path every sender -> {receiverText}";
        }

        return new PatchReport(modelName, task.Name, task.Prompts.Count, what, false, metric.Name, clean, corrupt, map, raw);
    }

    private static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^([Ll]\d+[Hh]\d+):([qkvQKV])$")]
    private static partial Regex ReceiverPattern();
}
