using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>
/// Reads a circuit from a <c>circuit.json</c> (schema <c>circuitfinder/circuit@1</c>, as <see cref="CircuitJson"/>
/// writes it: <c>graph.edges</c> with score and in_graph, level from <c>graph.level</c>), an EAP-IG / MIB graph JSON
/// (<c>{"cfg", "nodes", "edges": {id: {"score", "in_graph"}}}</c>, as <see cref="EapIgGraphJson"/> writes it), a JSON
/// list of ids or an object with an <c>edges</c> list (as <c>zoo truth</c> writes), or a text file of ids one a line
/// (<c>#</c> starts a comment). A node id in a list stands for its edges to and from the other listed nodes,
/// <c>input</c> and <c>logits</c>. The level is the file's, or, for lists, the one <see cref="GraphLevels.Of"/> infers.
/// Positional ids (<c>a0.h3-&gt;a2.h1&lt;k&gt;@S2</c>) give a positional graph: a circuit.json names its position groups
/// (<c>graph.positions</c>), other formats imply them from the ids (numbers: one group per position up to the largest;
/// labels: the labels in first-seen order, then <c>other</c>).
/// A file that cannot be read is an <see cref="BadInputException"/> whose message names the file and the field or id.
/// </summary>
public static class CircuitFileReader
{
    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="graphFor"/> builds the model's graph at a level. A caller that has
    /// read the file as JSON already passes it as <paramref name="loaded"/>, so that a large file is parsed once.
    /// </summary>
    public static CircuitFile Read(string path, Func<GraphLevel, ComputeGraph> graphFor, CircuitJsonDocument? loaded = null)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        var document = loaded ?? (StartsJson(path) ? CircuitJsonDocument.Load(path) : null);
        var json = document?.Root;
        var entries = document?.Edges;
        try
        {
            return json switch
            {
                JObject o when (string?)o["schema"] is { } schema => schema == CircuitJson.Schema
                    ? Scored(path, "circuit.json", o["graph"]?["edges"] is JObject && entries is not null ? entries : throw new BadInputException($"{path}: missing field 'graph.edges'"), Positioned(path, graphFor(ParseLevel(path, (string?)o["graph"]?["level"])), RecordedPositions(path, o["graph"]?["positions"])))
                    : throw new BadInputException($"{path}: unknown schema '{schema}' (expected {CircuitJson.Schema})"),
                JObject o when o["edges"] is JObject && entries is not null => Scored(path, "eap-ig", entries, Positioned(path, graphFor(GraphLevels.Of(entries.Select(e => e.Id))), RecordedPositions(path, o["cfg"]?["positions"]) ?? ImpliedPositions(entries.Select(e => e.Id).ToList()))),
                JObject o when o["edges"] is JArray list => Listed(path, Strings(path, list, "edges"), graphFor),
                JObject => throw new BadInputException($"{path}: expected a circuit.json, an EAP-IG graph JSON ('edges' object) or an 'edges' list"),
                JArray list => Listed(path, Strings(path, list, "[]"), graphFor),
                _ => Listed(path, InputFile.ReadAllText(path).Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList(), graphFor),
            };
        }
        catch (FormatException e)
        {
            throw new BadInputException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or InvalidOperationException or OverflowException)
        {
            throw new BadInputException($"{path}: a field has the wrong JSON type ({e.Message})", e); // e.g. graph as a list, level or schema as an object
        }
    }

    /// <summary>
    /// The settings a <c>circuit.json</c> recorded for its run (<c>method.parameters</c>: metric, ablation, level, seed),
    /// or null when <paramref name="path"/> is another format or not JSON. Wrong types are bad input naming the field.
    /// </summary>
    public static RecordedSettings? Recorded(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        if (!StartsJson(path, '{')) // regular files only, as Read: a FIFO must not hang verify
        {
            return null;
        }

        if (CircuitJsonDocument.Load(path).Root is not JObject o)
        {
            return null;
        }

        if (o["schema"] is not JValue { Type: JTokenType.String } schema || (string?)schema != CircuitJson.Schema)
        {
            return null;
        }

        JObject? Object(JToken? token, string field) => token switch
        {
            null or { Type: JTokenType.Null } => null,
            JObject child => child,
            _ => throw new BadInputException($"{path}: field '{field}' must be an object"),
        };
        var graph = Object(o["graph"], "graph");
        var parameters = Object(Object(o["method"], "method")?["parameters"], "method.parameters");
        string? Text(string field) => parameters?[field] switch
        {
            null or { Type: JTokenType.Null } => null,
            JValue { Type: JTokenType.String } v => (string?)v,
            _ => throw new BadInputException($"{path}: method.parameters.{field} must be a string"),
        };
        int? seed = parameters?["seed"] switch
        {
            null or { Type: JTokenType.Null } => null,
            JValue { Type: JTokenType.Integer } v when (long)v is >= int.MinValue and <= int.MaxValue => (int)v,
            _ => throw new BadInputException($"{path}: method.parameters.seed must be an integer"),
        };
        string? level = graph?["level"] switch
        {
            null or { Type: JTokenType.Null } => Text("level"),
            JValue { Type: JTokenType.String } l => (string?)l,
            _ => throw new BadInputException($"{path}: field 'graph.level' must be a string"),
        };
        return new RecordedSettings(Text("metric"), Text("ablation"), level, seed);
    }

    private static CircuitFile Scored(string path, string format, IReadOnlyList<EdgeEntry> edges, ComputeGraph graph)
    {
        var scores = new Dictionary<Edge, double>(edges.Count);
        var inGraph = new List<Edge>();
        foreach (var entry in edges)
        {
            var edge = graph.ParseEdge(entry.Id);
            if (entry.Score is { } score)
            {
                scores[edge] = score;
            }

            if (entry.InGraph)
            {
                inGraph.Add(edge);
            }
        }

        return new CircuitFile(path, format, graph, new Circuit(inGraph), scores.Count > 0 ? scores : null);
    }

    /// <summary>Whether the file's first non-blank character opens JSON (<c>{</c> or <c>[</c>, or only <paramref name="only"/>).</summary>
    private static bool StartsJson(string path, char? only = null) =>
        CircuitJsonDocument.FirstCharacter(path) is { } c && (only is { } open ? c == open : c is '{' or '[');

    private static CircuitFile Listed(string path, IReadOnlyList<string> ids, Func<GraphLevel, ComputeGraph> graphFor)
    {
        var graph = Positioned(path, graphFor(GraphLevels.Of(ids)), ImpliedPositions(ids));
        var edges = new List<Edge>();
        var nodes = new HashSet<Node>();
        foreach (var id in ids)
        {
            if (id.Contains("->", StringComparison.Ordinal))
            {
                edges.Add(graph.ParseEdge(id));
            }
            else
            {
                nodes.Add(graph.ParseNode(id));
            }
        }

        if (nodes.Count > 0)
        {
            nodes.Add(Node.Input);
            nodes.Add(Node.Logits);
            edges.AddRange(graph.Edges.Where(e => nodes.Contains(e.Source) && nodes.Contains(e.Destination)));
        }

        return new CircuitFile(path, "list", graph, new Circuit(edges), null);
    }

    /// <summary>The graph <paramref name="graph"/> split by <paramref name="positions"/> (itself when null).</summary>
    private static ComputeGraph Positioned(string path, ComputeGraph graph, GraphPositions? positions)
    {
        return positions is null || positions.Equals(graph.Positions) ? graph : ComputeGraph.Build(graph.Shape, graph.Level, positions);
    }

    /// <summary>A circuit.json's <c>graph.positions</c> or an EAP-IG export's <c>cfg.positions</c> (<c>{"mode": "all"|"labels", "labels": [...]}</c>), or null.</summary>
    private static GraphPositions? RecordedPositions(string path, JToken? positions)
    {
        if (positions is null || positions.Type == JTokenType.Null)
        {
            return null;
        }

        if (positions is not JObject o || o["labels"] is not JArray labels)
        {
            throw new BadInputException($"{path}: field 'graph.positions' must be an object with 'mode' and 'labels'");
        }

        var names = Strings(path, labels, "graph.positions.labels");
        try
        {
            return GraphPositions.ParseMode((string?)o["mode"]) switch
            {
                PositionMode.All => GraphPositions.All(names.Count),
                PositionMode.Labels => GraphPositions.OfLabels(names),
                _ => throw new BadInputException($"{path}: graph.positions.mode '{o["mode"]}' is not all or labels"),
            };
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"{path}: graph.positions: {e.Message}", e);
        }
    }

    /// <summary>The position groups edge ids imply (null when no id names a position).</summary>
    private static GraphPositions? ImpliedPositions(IReadOnlyList<string> ids)
    {
        var labels = ids.Where(id => id.Contains("->", StringComparison.Ordinal) && id.Contains('@', StringComparison.Ordinal))
            .Select(id => id[(id.LastIndexOf('@') + 1)..]).Where(l => GraphPositions.IsLabel(l)).ToList();
        return GraphLevels.PositionsOf(ids) switch
        {
            PositionMode.All when labels.Count > 0 => GraphPositions.All(labels.Max(l => int.TryParse(l, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int t) ? t : 0) + 1),
            PositionMode.Labels when labels.Count > 0 => GraphPositions.OfLabels(labels),
            _ => null,
        };
    }

    private static List<string> Strings(string path, JArray list, string field) =>
        list.Select((t, i) => t.Type == JTokenType.String ? (string)t! : throw new BadInputException($"{path}: {field}[{i}] is not an id string")).ToList();

    private static GraphLevel ParseLevel(string path, string? level) =>
        GraphLevels.Parse(level) ?? throw new BadInputException($"{path}: graph.level '{level}' is not head, qkv or neuron");
}
