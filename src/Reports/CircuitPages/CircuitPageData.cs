using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// The data <c>circuit.html</c> carries (one JSON object, embedded as data and read by the page's script): the nodes
/// with their place (<see cref="CircuitLayout"/>), display name and in-circuit flag; every edge of the graph as columns
/// (id, source and destination node index, q/k/v input, score, in-circuit flag); the run, the verification and the node
/// views. Ids are the graph's own strings, passed through untouched. A graph of more than <see cref="MaxEdges"/> edges
/// (neuron level) is embedded as the circuit's edges and the strongest others by |score| up to that many, and only the
/// neurons those edges touch; <c>graph_edges</c> says how many the graph has.
/// </summary>
public static class CircuitPageData
{
    /// <summary>The most edges a page embeds (a GPT-2-small graph at the q/k/v level has 32,491).</summary>
    public const int MaxEdges = 100_000;

    public static JObject Build(CircuitPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var graph = page.Graph;
        var (places, rows) = CircuitLayout.Of(graph);
        var inCircuit = page.Circuit.Nodes(graph).ToHashSet();
        double Magnitude(Edge e) => page.Scores is not null && page.Scores.TryGetValue(e, out double s) && double.IsFinite(s) ? Math.Abs(s) : 0;
        IReadOnlyList<Edge> embedded = graph.Edges.Count <= MaxEdges
            ? graph.Edges
            : graph.Edges.Where(page.Circuit.Contains)
                .Concat(graph.Edges.Where(e => !page.Circuit.Contains(e)).OrderByDescending(Magnitude).Take(Math.Max(0, MaxEdges - page.Circuit.Count)))
                .ToList();
        var touched = embedded.SelectMany(e => new[] { e.Source, e.Destination }).ToHashSet();
        var index = new Dictionary<Node, int>();
        var nodes = new JArray();
        foreach (var node in graph.Nodes.Where(n => n.Kind != NodeKind.Neuron || touched.Contains(n)))
        {
            index[node] = nodes.Count;
            var (row, x) = places[node];
            nodes.Add(new JObject
            {
                ["id"] = node.Id,
                ["label"] = node.DisplayName,
                ["kind"] = Kind(node.Kind),
                ["row"] = row,
                ["x"] = Math.Round(x, 5),
                ["in"] = inCircuit.Contains(node),
            });
        }

        var ids = new JArray();
        var sources = new JArray();
        var destinations = new JArray();
        var inputs = new JArray();
        var scores = new JArray();
        var flags = new JArray();
        var groups = new JArray();
        foreach (var edge in embedded)
        {
            ids.Add(edge.Id);
            sources.Add(index[edge.Source]);
            destinations.Add(index[edge.Destination]);
            inputs.Add(edge.Input switch { QkvInput.Q => 1, QkvInput.K => 2, QkvInput.V => 3, _ => 0 });
            scores.Add(page.Scores is not null && page.Scores.TryGetValue(edge, out double s) && double.IsFinite(s) ? Short(s) : JValue.CreateNull());
            flags.Add(page.Circuit.Contains(edge) ? 1 : 0);
            groups.Add(graph.Positions?.IndexOf(edge.Position) ?? -1);
        }

        return new JObject
        {
            ["title"] = page.Title,
            ["level"] = GraphLevels.Name(graph.Level),
            ["rows"] = rows,
            ["columns"] = graph.Shape.NHeads,
            ["graph_edges"] = graph.Edges.Count,
            ["positions"] = graph.Positions is null ? JValue.CreateNull() : new JArray(graph.Positions.Labels),
            ["nodes"] = nodes,
            ["edges"] = new JObject
            {
                ["id"] = ids,
                ["src"] = sources,
                ["dst"] = destinations,
                ["input"] = inputs,
                ["score"] = page.Scores is null ? JValue.CreateNull() : scores,
                ["in"] = flags,
                ["pos"] = graph.Positions is null ? JValue.CreateNull() : groups,
            },
            ["run"] = page.Run?.DeepClone() ?? JValue.CreateNull(),
            ["verification"] = page.Verification?.DeepClone() ?? JValue.CreateNull(),
            ["views"] = page.Views is null ? JValue.CreateNull() : Views(page.Views),
        };
    }

    /// <summary>
    /// The parts of a <c>circuit.json</c> the page shows (model, task, method with parameters and details, baselines, the
    /// circuit's size and faithfulness, warnings), or an EAP-IG / MIB file's <c>cfg</c>; null for anything else.
    /// </summary>
    public static JObject? RunSection(JObject? file)
    {
        if (file is null)
        {
            return null;
        }

        if ((string?)(file["schema"] as JValue) == CircuitJson.Schema)
        {
            var run = new JObject { ["format"] = "circuit.json" };
            foreach (var key in new[] { "tool", "model", "task", "method", "baseline", "circuit", "warnings" })
            {
                if (file[key] is { } value)
                {
                    run[key] = value.DeepClone();
                }
            }

            if (run["model"] is JObject model)
            {
                model.Remove("config"); // the whole config is in circuit.json; the page names the model
            }

            return run;
        }

        return file["cfg"] is JObject cfg && file["edges"] is JObject ? new JObject { ["format"] = "eap-ig", ["cfg"] = cfg.DeepClone() } : null;
    }

    private static JObject Views(NodeViews views)
    {
        var patterns = new JObject();
        foreach (var (id, maps) in views.Patterns)
        {
            patterns[id] = new JArray(maps.Select(m => new JArray(m.Values.Select(row => new JArray(row.Select(v => double.IsFinite(v) ? Math.Round(v, 3) : 0))))));
        }

        return new JObject
        {
            ["prompts"] = new JArray(views.Prompts.Select(p => new JArray(p))),
            ["patterns"] = patterns,
            ["attribution"] = views.Attribution is null ? JValue.CreateNull() : new JObject(views.Attribution.Select(a => new JProperty(a.Key, Short(a.Value)))),
            ["target"] = views.AttributionTarget,
            ["note"] = views.Note,
        };
    }

    private static JToken Short(double value) =>
        double.IsFinite(value) ? new JValue(double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : JValue.CreateNull();

    private static string Kind(NodeKind kind) => kind switch
    {
        NodeKind.Input => "input",
        NodeKind.AttentionHead => "head",
        NodeKind.Mlp => "mlp",
        NodeKind.Neuron => "neuron",
        _ => "logits",
    };
}
