using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// Reads a hypothesis file (schema <c>circuitfinder/hypothesis@1</c>, docs/hypothesis.md): <c>nodes</c> maps node ids
/// to <c>{"feature": F}</c>, <c>edges</c> maps edge ids to <c>{}</c> or <c>{"feature": F}</c> (or is a list of edge
/// ids); an edge's feature is its own or else its source node's. F is <c>{"kind": "anything"|"token"|"label"|"equal"|"prompt",
/// "position": P, "positions": [P, ...]}</c> with P a number or a position label. Every error names the file and the
/// JSON path; unknown ids come with the nearest valid id.
/// </summary>
public static class HypothesisReader
{
    public const string Schema = "circuitfinder/hypothesis@1";

    public static Hypothesis Read(string path, TaskDataset dataset, Func<GraphLevel, ComputeGraph> graphFor)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        JObject root;
        try
        {
            root = JObject.Parse(InputFile.ReadAllText(path));
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not a JSON object ({e.Message})", e);
        }

        try
        {
            return Parse(path, root, dataset, graphFor);
        }
        catch (FormatException e)
        {
            throw new BadInputException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or InvalidOperationException or OverflowException)
        {
            throw new BadInputException($"{path}: a field has the wrong JSON type or an out-of-range value ({e.Message})", e); // e.g. a node given as a string, a huge position
        }
    }

    private static Hypothesis Parse(string path, JObject root, TaskDataset dataset, Func<GraphLevel, ComputeGraph> graphFor)
    {
        if ((string?)root["schema"] is { } schema && schema != Schema)
        {
            throw new BadInputException($"{path}: schema '{schema}' is not {Schema}");
        }

        var edgeSpecs = root["edges"] switch
        {
            JObject o => o.Properties().Select(p => (p.Name, Spec: p.Value as JObject ?? throw new BadInputException($"{path}: edges['{p.Name}'] must be an object"))).ToList(),
            JArray a => a.Select((t, i) => (Name: (string?)t ?? throw new BadInputException($"{path}: edges[{i}] is not an edge id"), Spec: new JObject())).ToList(),
            null => throw new BadInputException($"{path}: missing field 'edges'"),
            _ => throw new BadInputException($"{path}: 'edges' must be an object or a list of edge ids"),
        };
        if (edgeSpecs.Count == 0)
        {
            throw new BadInputException($"{path}: the hypothesis has no edges");
        }

        var level = GraphLevels.Of(edgeSpecs.Select(e => e.Name));
        if (level == GraphLevel.Neuron)
        {
            throw new BadInputException($"{path}: causal scrubbing works on head or q/k/v level graphs, not on neurons");
        }

        if (GraphLevels.PositionsOf(edgeSpecs.Select(e => e.Name)) != PositionMode.None)
        {
            throw new BadInputException($"{path}: causal scrubbing works on graphs without positions: an edge names no @position (a feature's 'position' says where it is read)");
        }

        var graph = graphFor(level);
        var nodeFeatures = new Dictionary<Node, InputFeature>();
        if (root["nodes"] is JObject nodes)
        {
            foreach (var p in nodes.Properties())
            {
                var node = graph.ParseNode(p.Name);
                var feature = p.Value?["feature"] ?? throw new BadInputException($"{path}: nodes['{p.Name}'] has no 'feature'");
                nodeFeatures[node] = Feature(path, $"nodes['{p.Name}'].feature", feature, dataset);
            }
        }
        else if (root["nodes"] is not null)
        {
            throw new BadInputException($"{path}: 'nodes' must be an object of node id -> {{\"feature\": ...}}");
        }

        var edges = new Dictionary<Edge, InputFeature>();
        foreach (var (id, spec) in edgeSpecs)
        {
            var edge = graph.ParseEdge(id);
            var feature = spec["feature"] is { } f
                ? Feature(path, $"edges['{id}'].feature", f, dataset)
                : nodeFeatures.TryGetValue(edge.Source, out var nf)
                    ? nf
                    : throw new BadInputException($"{path}: edges['{id}'] has no feature, and node '{edge.Source.Id}' has none under 'nodes' (give one on either)");
            edges[edge] = feature;
        }

        var touched = edges.Keys.SelectMany(e => new[] { e.Source, e.Destination }).ToHashSet();
        var unused = nodeFeatures.Keys.FirstOrDefault(n => !touched.Contains(n));
        if (unused is not null)
        {
            throw new BadInputException($"{path}: nodes['{unused.Id}'] is named but no edge of the hypothesis touches it");
        }

        if (!edges.Keys.Any(e => e.Destination.Kind == NodeKind.Logits))
        {
            throw new BadInputException($"{path}: no edge of the hypothesis reaches 'logits', so it claims nothing about the output");
        }

        var leads = new HashSet<Node> { Node.Logits }; // nodes with a path to logits inside the hypothesis
        foreach (var edge in edges.Keys.OrderByDescending(e => graph.IndexOf(e.Destination)).ThenByDescending(e => graph.IndexOf(e.Source)))
        {
            if (leads.Contains(edge.Destination))
            {
                leads.Add(edge.Source);
            }
        }

        var dangling = edges.Keys.OrderBy(graph.IndexOf).FirstOrDefault(e => !leads.Contains(e.Destination));
        if (dangling is not null)
        {
            throw new BadInputException(
                $"{path}: edges['{dangling.Id}'] does not lead to 'logits' inside the hypothesis (no hypothesis edge leaves {dangling.Destination.Id}), so nothing would read it");
        }

        return new Hypothesis((string?)root["name"] ?? Path.GetFileNameWithoutExtension(path), graph, edges);
    }

    private static InputFeature Feature(string path, string where, JToken token, TaskDataset dataset)
    {
        if (token is not JObject o)
        {
            throw new BadInputException($"{path}: {where} must be an object with a 'kind'");
        }

        string? kind = (string?)o["kind"];
        InputFeature feature = kind switch
        {
            "anything" => new AnythingFeature(),
            "label" => new LabelFeature(),
            "prompt" => new PromptFeature(),
            "token" => new TokenFeature(Positions(path, where, o, dataset)),
            "equal" => Positions(path, where, o, dataset) is { Count: 2 } two
                ? new EqualFeature(two[0], two[1])
                : throw new BadInputException($"{path}: {where}: 'equal' takes exactly two 'positions'"),
            _ => throw new BadInputException($"{path}: {where}.kind: unknown feature '{kind}' (known: {string.Join(", ", InputFeature.Kinds)})"),
        };
        if (feature.Problem(dataset) is { } problem)
        {
            throw new BadInputException($"{path}: {where}: {problem}");
        }

        return feature;
    }

    private static List<PositionRef> Positions(string path, string where, JObject o, TaskDataset dataset)
    {
        var tokens = o["positions"] is JArray list ? list.ToList() : o["position"] is { } single ? [single] : [];
        if (tokens.Count == 0)
        {
            throw new BadInputException($"{path}: {where}: '{(string?)o["kind"]}' needs 'position' or 'positions'");
        }

        return tokens.Select(t => t.Type switch
        {
            JTokenType.Integer => PositionRef.At((int)t),
            JTokenType.String => PositionRef.Named((string)t!),
            _ => throw new BadInputException($"{path}: {where}: a position is a number or a label, got {t.Type}"),
        }).ToList();
    }
}
