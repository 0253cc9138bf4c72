using CircuitFinder.Graph.Diff;
using CircuitFinder.Reports.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Diff;

/// <summary>
/// <c>diff.json</c> (schema <c>circuitfinder/diff@1</c>, JSON Schema in docs/diff.schema.json): the two models, whether
/// every difference is exactly 0, the text diff (every position and the top ones), the tasks, and the inside diff or why
/// it was refused. Non-finite numbers are written as null.
/// </summary>
public static class DiffJson
{
    public static JObject Write(ModelDiffReport report, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new JObject
        {
            ["schema"] = ModelDiffReport.Schema,
            ["tool"] = new JObject { ["name"] = "circuitfinder", ["version"] = toolVersion },
            ["model_a"] = report.ModelA,
            ["model_b"] = report.ModelB,
            ["identical"] = report.Identical,
            ["text"] = report.Text is { } text ? Text(text) : JValue.CreateNull(),
            ["tasks"] = new JArray(report.Tasks.Select(t => new JObject
            {
                ["name"] = t.Name,
                ["prompts"] = t.Prompts,
                ["metric"] = t.Metric,
                ["metric_a"] = N(t.MetricA),
                ["metric_b"] = N(t.MetricB),
                ["accuracy_a"] = N(t.AccuracyA),
                ["accuracy_b"] = N(t.AccuracyB),
            })),
            ["inside"] = report.Inside is { } inside ? Inside(inside) : JValue.CreateNull(),
            ["inside_refused"] = report.InsideRefused,
        };
    }

    private static JObject Text(TextDiff text) => new()
    {
        ["tokens"] = new JArray(text.Tokens),
        ["token_strings"] = new JArray(text.TokenTexts),
        ["windows"] = text.Windows,
        ["mean_logprob_a"] = N(text.MeanLogProbA),
        ["mean_logprob_b"] = N(text.MeanLogProbB),
        ["mean_difference"] = N(text.MeanDifference),
        ["max_abs_difference"] = N(text.MaxAbsDifference),
        ["mean_kl"] = text.MeanKl is { } kl ? N(kl) : JValue.CreateNull(),
        ["positions"] = new JArray(text.Positions.Select(Position)),
        ["top"] = new JArray(text.Top.Select(Position)),
    };

    private static JObject Position(TokenDiff p) => new()
    {
        ["position"] = p.Position,
        ["next_token"] = p.NextToken,
        ["next_token_string"] = p.NextTokenText,
        ["context"] = p.Context,
        ["logprob_a"] = N(p.LogProbA),
        ["logprob_b"] = N(p.LogProbB),
        ["difference"] = N(p.Difference),
        ["kl"] = p.Kl is { } kl ? N(kl) : JValue.CreateNull(),
    };

    private static JObject Inside(InsideDiff inside) => new()
    {
        ["parameters"] = new JArray(inside.Parameters.Select(p => new JObject
        {
            ["name"] = p.Name,
            ["shape"] = new JArray(p.Shape),
            ["norm_a"] = N(p.NormA),
            ["norm_b"] = N(p.NormB),
            ["difference_norm"] = N(p.DifferenceNorm),
            ["relative"] = N(p.Relative),
        })),
        ["heads"] = new JArray(inside.Heads.Select(Unit)),
        ["neurons"] = new JArray(inside.Neurons.Select(Unit)),
        ["activations"] = new JArray(inside.Activations.Select(a => new JObject
        {
            ["hook"] = a.Hook,
            ["mean_abs_difference"] = N(a.MeanAbsDifference),
            ["mean_abs_a"] = N(a.MeanAbsA),
            ["relative"] = N(a.Relative),
        })),
        ["attribution"] = new JArray(inside.Attribution.Select(a => new JObject
        {
            ["component"] = a.Component,
            ["mean_a"] = N(a.MeanA),
            ["mean_b"] = N(a.MeanB),
            ["mean_difference"] = N(a.MeanDifference),
            ["mean_abs_difference"] = N(a.MeanAbsDifference),
        })),
        ["patching"] = inside.Patching is { } patching
            ? new JObject
            {
                ["positions"] = new JArray(patching.Positions),
                ["advantage"] = N(patching.Advantage),
                ["components"] = new JArray(patching.Components.Select(c => new JObject
                {
                    ["component"] = c.Component,
                    ["kind"] = c.Kind,
                    ["layer"] = c.Layer,
                    ["head"] = c.Head,
                    ["recovery"] = N(c.Recovery),
                })),
            }
            : JValue.CreateNull(),
        ["note"] = inside.Note,
    };

    private static JObject Unit(UnitWeightDiff u) => new()
    {
        ["unit"] = u.Unit,
        ["layer"] = u.Layer,
        ["index"] = u.Index,
        ["norm_a"] = N(u.NormA),
        ["norm_b"] = N(u.NormB),
        ["difference_norm"] = N(u.DifferenceNorm),
        ["relative"] = N(u.Relative),
    };

    private static JToken N(double value) => ViewMapJson.Number(value);
}
