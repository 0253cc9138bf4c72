using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>
/// Writes <c>circuit.json</c> (schema <c>circuitfinder/circuit@1</c>; JSON Schema in docs/circuit.schema.json) from a
/// discovery run's record; <see cref="CircuitFileReader"/> reads it back.
/// </summary>
public static class CircuitJson
{
    public const string Schema = "circuitfinder/circuit@1";

    /// <summary>The whole file as one JSON object (for a neuron-level graph of millions of edges, <see cref="WriteFile"/> streams it instead).</summary>
    public static JObject Write(DiscoveryRecord r)
    {
        var json = Summary(r);
        var graph = (JObject)json["graph"]!;
        var inCircuit = r.Circuit.Nodes(r.Graph).ToHashSet();
        graph["nodes"] = new JObject(r.Graph.Nodes.Select(n => new JProperty(n.Id, NodeFields(n, inCircuit))));
        graph["edges"] = new JObject(r.Graph.Edges.Select(e => new JProperty(e.Id, EdgeFields(e, r))));
        return json;
    }

    /// <summary>
    /// Writes <see cref="Write"/>'s text and a final newline to <paramref name="path"/> atomically, one node and edge at
    /// a time: a GPT-2-small-sized neuron-level graph's 7.6 million edges would take about 15 GB as one JSON object.
    /// </summary>
    public static void WriteFile(string path, DiscoveryRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var json = Summary(r);
        var inCircuit = r.Circuit.Nodes(r.Graph).ToHashSet();
        JsonFiles.WriteIndented(path, writer => JsonFiles.WriteStreamed(writer, json, new Dictionary<string, Action<JsonWriter>>
        {
            ["graph.nodes"] = w => WriteObject(w, r.Graph.Nodes, n => n.Id, n => NodeFields(n, inCircuit)),
            ["graph.edges"] = w => WriteObject(w, r.Graph.Edges, e => e.Id, e => EdgeFields(e, r)),
        }));
    }

    private static void WriteObject<T>(JsonWriter writer, IEnumerable<T> items, Func<T, string> name, Func<T, JObject> fields)
    {
        writer.WriteStartObject();
        foreach (var item in items)
        {
            writer.WritePropertyName(name(item));
            fields(item).WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static JObject NodeFields(Node node, HashSet<Node> inCircuit) => new() { ["in_graph"] = inCircuit.Contains(node) };

    private static JObject EdgeFields(Edge edge, DiscoveryRecord r) =>
        new() { ["score"] = Number(r.Scores.TryGetValue(edge, out var s) ? s : 0), ["in_graph"] = r.Circuit.Contains(edge) };

    /// <summary>The file without its nodes and edges (empty objects where they go): the run, its baselines and the circuit's size.</summary>
    public static JObject Summary(DiscoveryRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var nodes = new JObject();
        var edges = new JObject();
        int inCircuit = r.Circuit.Nodes(r.Graph).Count;

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
                ["nodes"] = inCircuit,
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
