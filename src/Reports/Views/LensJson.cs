using CircuitFinder.Graph.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// <c>lens.json</c> (schema <c>circuitfinder/lens@1</c>): the model, source, prompt count, target, the model's own value of
/// the target and the attributions' sum per column, the maps (<see cref="ViewMapJson"/>) and, for one prompt, the lens's
/// top token per layer and position.
/// </summary>
public static class LensJson
{
    public const string Schema = "circuitfinder/lens@1";

    public static JObject Write(LensReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = new JObject
        {
            ["schema"] = Schema,
            ["model"] = report.Model,
            ["source"] = report.Source,
            ["prompts"] = report.Prompts,
            ["target"] = report.Target,
            ["columns"] = new JArray(report.Lens.Columns),
            ["model_value"] = new JArray(report.Logit.Select(ViewMapJson.Number)),
            ["attribution_sum"] = new JArray(report.AttributionSum.Select(ViewMapJson.Number)),
            ["lens"] = ViewMapJson.Write(report.Lens),
            ["dla_components"] = ViewMapJson.Write(report.Components),
            ["dla_heads"] = ViewMapJson.Write(report.Heads),
        };
        if (report.TopTokens is { } top)
        {
            json["lens_top_tokens"] = new JArray(top.Select(row => new JArray(row)));
        }

        return json;
    }
}
