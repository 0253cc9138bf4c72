using System.Globalization;
using CircuitFinder.Graph.Results;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Verification;

/// <summary>
/// Writes <c>verification.json</c> (schema <c>circuitfinder/verification@1</c>; JSON Schema in docs/verification.schema.json),
/// or merges the same object into a <c>circuit.json</c> under <c>verification</c>.
/// </summary>
public static class VerificationJson
{
    public const string Schema = "circuitfinder/verification@1";

    public static JObject Write(VerificationRecord r)
    {
        var o = new JObject
        {
            ["schema"] = Schema,
            ["tool"] = new JObject { ["name"] = "circuitfinder", ["version"] = r.ToolVersion },
            ["model"] = new JObject { ["source"] = r.Model.Source, ["sha256"] = r.Model.WeightsSha256, ["layout"] = r.Model.Layout, ["config"] = r.Model.Config },
            ["task"] = new JObject { ["name"] = r.Task.Name, ["sha256"] = r.Task.ContentHash, ["prompts"] = r.Task.Prompts, ["metric"] = r.Task.Metric },
            ["circuit_file"] = r.CircuitFile is null ? null : new JObject { ["path"] = r.CircuitFile, ["format"] = r.CircuitFormat },
            ["parameters"] = new JObject(r.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JProperty(p.Key, p.Value))),
        };
        if (r.Faithfulness is { } f)
        {
            o["faithfulness"] = new JObject
            {
                ["edges"] = f.Edges,
                ["nodes"] = f.Nodes,
                ["graph_edges"] = f.GraphEdges,
                ["clean_metric"] = Number(f.CleanMetric),
                ["ablated_metric"] = Number(f.AblatedMetric),
                ["circuit_metric"] = Number(f.CircuitMetric),
                ["faithfulness"] = Number(f.Faithfulness),
            };
        }

        if (r.Curve is { } c)
        {
            o["curve"] = new JObject
            {
                ["points"] = new JArray(c.Points.Select(p => new JObject
                {
                    ["fraction"] = Number(p.Fraction),
                    ["requested_edges"] = p.Requested,
                    ["edges"] = p.Edges,
                    ["metric"] = Number(p.Metric),
                    ["faithfulness"] = Number(p.Faithfulness),
                })),
                ["cpr"] = Number(c.Cpr),
                ["cmd"] = Number(c.Cmd),
            };
        }

        if (r.Completeness is { } k)
        {
            o["completeness"] = new JObject
            {
                ["worst"] = Subset(k.Worst),
                ["random_subsets"] = k.RandomSubsets,
                ["greedy_steps"] = k.GreedySteps,
                ["evaluated"] = new JArray(k.Evaluated.Select(Subset)),
            };
        }

        if (r.Minimality is { } m)
        {
            o["minimality"] = new JObject
            {
                ["least"] = m.Least is null ? null : NodeMin(m.Least),
                ["nodes"] = new JArray(m.Nodes.Select(NodeMin)),
            };
        }

        if (r.Truth.Count > 0)
        {
            o["ground_truth"] = new JObject
            {
                ["file"] = r.TruthFile,
                ["levels"] = new JObject(r.Truth.Select(t => new JProperty(t.Level, new JObject
                {
                    ["precision"] = Number(t.Precision),
                    ["recall"] = Number(t.Recall),
                    ["auroc"] = Number(t.Auroc),
                    ["auroc_from_scores"] = t.AurocFromScores,
                    ["true_positives"] = t.TruePositives,
                    ["false_positives"] = t.FalsePositives,
                    ["false_negatives"] = t.FalseNegatives,
                    ["true_negatives"] = t.TrueNegatives,
                }))),
            };
        }

        if (r.Scrubbing.Count > 0)
        {
            o["causal_scrubbing"] = new JArray(r.Scrubbing.Select(s => new JObject
            {
                ["hypothesis"] = s.Result.Hypothesis,
                ["file"] = s.File,
                ["mode"] = s.Result.Mode.ToString().ToLowerInvariant(),
                ["edges"] = s.Edges,
                ["loss_model"] = Interval(s.Result.ModelLoss),
                ["loss_random"] = Interval(s.Result.RandomLoss),
                ["loss_scrubbed"] = Interval(s.Result.ScrubbedLoss),
                ["loss_recovered"] = Interval(s.Result.LossRecovered),
                ["node_evaluations_per_draw"] = s.Result.Evaluations,
                ["samples"] = s.Result.Samples,
                ["draws"] = s.Result.Draws,
            }));
        }

        o["timings_seconds"] = new JObject(r.Timings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JProperty(p.Key, Math.Round(p.Value, 3))));
        return o;
    }

    /// <summary>A copy of <paramref name="circuitJson"/> with <paramref name="verification"/> under <c>verification</c>.</summary>
    public static JObject Merge(JObject circuitJson, JObject verification)
    {
        var merged = (JObject)circuitJson.DeepClone();
        merged["verification"] = verification;
        return merged;
    }

    private static JObject Subset(SubsetGap s) => new()
    {
        ["nodes"] = new JArray(s.Subset.Select(n => n.Id)),
        ["origin"] = s.Origin,
        ["circuit_metric"] = Number(s.CircuitMetric),
        ["model_metric"] = Number(s.ModelMetric),
        ["gap"] = Number(s.Gap),
        ["gap_fraction"] = Number(s.GapFraction),
    };

    private static JObject NodeMin(NodeMinimality n) => new()
    {
        ["node"] = n.Node.Id,
        ["drop"] = Number(n.Drop),
        ["drop_fraction"] = Number(n.DropFraction),
        ["helper"] = new JArray(n.Helper.Select(h => h.Id)),
    };

    private static JObject Interval(Interval i) => new() { ["value"] = Number(i.Value), ["low"] = Number(i.Low), ["high"] = Number(i.High) };

    /// <summary>A JSON number, or null for NaN/∞ (JSON has neither).</summary>
    private static JToken Number(double value) =>
        double.IsFinite(value) ? new JValue(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : JValue.CreateNull();
}
