using CircuitFinder.Graph.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// <c>patch.json</c> (schema <c>circuitfinder/patch@1</c>): the model, task, prompt count, what was patched, the direction,
/// the metric with its clean and corrupted values, the normalized map (scale [−1, 1]) and the raw metric map.
/// </summary>
public static class PatchJson
{
    public const string Schema = "circuitfinder/patch@1";

    public static JObject Write(PatchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new JObject
        {
            ["schema"] = Schema,
            ["model"] = report.Model,
            ["task"] = report.Task,
            ["prompts"] = report.Prompts,
            ["what"] = report.What,
            ["direction"] = report.Denoise ? "denoise: clean into corrupted" : "noise: corrupted into clean",
            ["metric"] = report.Metric,
            ["clean_metric"] = ViewMapJson.Number(report.CleanMetric),
            ["corrupt_metric"] = ViewMapJson.Number(report.CorruptMetric),
            ["normalized"] = ViewMapJson.Write(report.Map),
            ["raw"] = ViewMapJson.Write(report.Raw),
        };
    }
}
