using System.Globalization;
using CircuitFinder.Graph.Results;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>
/// Writes <c>circuit.json</c> (schema <c>circuitfinder/circuit@1</c>; JSON Schema in docs/circuit.schema.json) from a
/// discovery run's record; <see cref="CircuitFileReader"/> reads it back.
/// </summary>
public static class CircuitJson
{
    public const string Schema = "circuitfinder/circuit@1";

    public static JObject Write(DiscoveryRecord r)
    {
        var nodes = new JObject();
        var inCircuit = r.Circuit.Nodes(r.Graph).ToHashSet();
        foreach (var node in r.Graph.Nodes)
        {
            nodes[node.Id] = new JObject { ["in_graph"] = inCircuit.Contains(node) };
        }

        var edges = new JObject();
        foreach (var edge in r.Graph.Edges)
        {
            edges[edge.Id] = new JObject { ["score"] = Number(r.Scores.TryGetValue(edge, out var s) ? s : 0), ["in_graph"] = r.Circuit.Contains(edge) };
        }

        var json = new JObject
        {
            ["schema"] = Schema,
            ["tool"] = new JObject { ["name"] = "circuitfinder", ["version"] = r.ToolVersion },
            ["model"] = new JObject
            {
                ["source"] = r.Model.Source,
                ["sha256"] = r.Model.WeightsSha256,
                ["layout"] = r.Model.Layout,
                ["config"] = r.Model.Config,
            },
            ["task"] = new JObject
            {
                ["name"] = r.Task.Name,
                ["sha256"] = r.Task.ContentHash,
                ["prompts"] = r.Task.Prompts,
                ["metric"] = r.Task.Metric,
            },
            ["method"] = new JObject
            {
                ["name"] = r.Method,
                ["parameters"] = new JObject(r.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JProperty(p.Key, p.Value))),
                ["exact_tests"] = r.ExactTests,
                ["details"] = new JObject(r.Details.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JProperty(p.Key, Number(p.Value)))),
            },
            ["baseline"] = new JObject { ["clean"] = Number(r.CleanMetric), ["ablated"] = Number(r.AblatedMetric) },
            ["graph"] = new JObject
            {
                ["level"] = CircuitFinder.Graph.GraphLevels.Name(r.Graph.Level),
                ["nodes"] = nodes,
                ["edges"] = edges,
            },
            ["circuit"] = new JObject
            {
                ["edges"] = r.Circuit.Count,
                ["nodes"] = inCircuit.Count,
                ["edge_fraction"] = Number((double)r.Circuit.Count / r.Graph.Edges.Count),
                ["metric"] = Number(r.CircuitMetric),
                ["faithfulness"] = Number(r.Faithfulness),
            },
            ["timings_seconds"] = new JObject(r.Timings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new JProperty(p.Key, Math.Round(p.Value, 3)))),
        };
        if (r.Graph.Positions is { } positions)
        {
            ((JObject)json["graph"]!).Property("level")!.AddAfterSelf(new JProperty("positions", new JObject { ["mode"] = CircuitFinder.Graph.GraphPositions.Name(positions.Mode), ["labels"] = new JArray(positions.Labels) }));
        }

        if (r.Certificate is { } c)
        {
            ((JObject)json["method"]!)["screen_certificate"] = Certificate(c);
        }

        if (r.Warnings.Count > 0)
        {
            json["warnings"] = new JArray(r.Warnings);
        }

        return json;
    }

    /// <summary>The hybrid's screening certificate as <c>method.screen_certificate</c>.</summary>
    public static JObject Certificate(ScreenCertificate c) => new()
    {
        ["threshold"] = Number(c.Threshold),
        ["start_fraction"] = Number(c.StartFraction),
        ["start_minimum"] = c.StartMinimum,
        ["adaptive"] = c.Adaptive,
        ["rounds"] = new JArray(c.Rounds.Select(round => new JObject { ["edges"] = round.Edges, ["damage"] = Number(round.Damage) })),
        ["screened_edges"] = c.ScreenedEdges,
        ["screened_out_damage"] = Number(c.ScreenedOutDamage),
        ["certified"] = c.Certified,
        ["exact_tests"] = c.ExactTests,
        ["cost_in_forwards"] = Number(Math.Round(c.CostInForwards, 2)),
    };

    /// <summary>A JSON number, or null for NaN/∞ (JSON has neither).</summary>
    private static JToken Number(double value) =>
        double.IsFinite(value) ? new JValue(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : JValue.CreateNull();
}
