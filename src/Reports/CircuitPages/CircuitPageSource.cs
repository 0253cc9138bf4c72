using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Reports.Verification;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// A <see cref="CircuitPage"/> from files made anywhere: a circuit file <see cref="CircuitFileReader"/> reads
/// (<c>circuit.json</c>, EAP-IG / MIB graph JSON, id lists) and optionally a <c>verification.json</c> (else the
/// <c>verification</c> a <c>circuit.json</c> carries after <c>verify --merge</c>). Without a model the graph's shape comes
/// from the file: the config a <c>circuit.json</c> or EAP-IG <c>cfg</c> records, completed from the nodes its ids name
/// (parsed with <see cref="GraphIds"/>). Unreadable files are a <see cref="BadInputException"/> naming the file.
/// </summary>
public static class CircuitPageSource
{
    public static CircuitPage Read(string circuitPath, string? verificationPath, Func<GraphLevel, ComputeGraph>? graphFor = null)
    {
        ArgumentNullException.ThrowIfNull(circuitPath);
        var document = ReadDocument(circuitPath);
        var json = document?.Root as JObject;
        if (graphFor is null)
        {
            var shape = InferShape(circuitPath, json, document?.Edges?.Select(e => e.Id));
            var built = new Dictionary<GraphLevel, ComputeGraph>();
            graphFor = level => built.TryGetValue(level, out var g) ? g : built[level] = ComputeGraph.Build(shape, level);
        }

        var file = CircuitFileReader.Read(circuitPath, graphFor, document);
        JObject? verification = json?["verification"] as JObject;
        if (verificationPath is not null)
        {
            if (!File.Exists(verificationPath))
            {
                throw new BadInputException($"{verificationPath}: no such file");
            }

            verification = JsonFiles.ReadObject(verificationPath);
            if ((string?)(verification["schema"] as JValue) != VerificationJson.Schema)
            {
                throw new BadInputException($"{verificationPath}: not a verification.json (field 'schema' must be '{VerificationJson.Schema}')");
            }
        }

        return Page(file, json, verification);
    }

    /// <summary>
    /// The page of a circuit file already read, with <paramref name="verification"/> (else the one a <c>circuit.json</c>
    /// carries); <c>verify --out</c> writes it beside verification.json.
    /// </summary>
    public static CircuitPage FromFile(CircuitFile file, JObject? verification)
    {
        ArgumentNullException.ThrowIfNull(file);
        var json = file.Format == "list" ? null : ReadDocument(file.Path, skipEdges: true)?.Root as JObject; // the run's fields only
        return Page(file, json, verification ?? json?["verification"] as JObject);
    }

    private static CircuitPage Page(CircuitFile file, JObject? json, JObject? verification)
    {
        var run = CircuitPageData.RunSection(json);
        string title = Title(run, Path.GetFileName(file.Path), file.Circuit.Count, file.Graph.Edges.Count);
        return new CircuitPage(title, file.Graph, file.Circuit, file.Scores, run, verification);
    }

    /// <summary>The page title: method, task, circuit size and faithfulness where the run records them, else the file's name.</summary>
    public static string Title(JObject? run, string fileName, int circuitEdges, int graphEdges)
    {
        string size = string.Create(CultureInfo.InvariantCulture, $"{circuitEdges} of {graphEdges} edges");
        if ((run?["method"] as JObject)?["name"] is JValue { Type: JTokenType.String } method)
        {
            string task = (run!["task"] as JObject)?["name"] is JValue { Type: JTokenType.String } t ? $" on {(string?)t}" : string.Empty;
            string faithfulness = (run["circuit"] as JObject)?["faithfulness"] is JValue { Type: JTokenType.Float or JTokenType.Integer } f
                ? string.Create(CultureInfo.InvariantCulture, $", faithfulness {(double)f:F3}")
                : string.Empty;
            return $"{(string?)method}{task}: {size}{faithfulness}";
        }

        return $"{fileName}: {size}";
    }

    /// <summary>
    /// The graph shape of the model a circuit file was made on: n_layers, n_heads, d_mlp, attn_only and parallel_attn_mlp
    /// from its recorded config where present, else from the largest layer, head and neuron its ids name.
    /// </summary>
    public static GraphShape InferShape(string path, JObject? json, IEnumerable<string>? edgeIds = null)
    {
        IEnumerable<string> ids = json switch
        {
            not null when edgeIds is not null => edgeIds,
            not null when (json["graph"] as JObject)?["edges"] is JObject edges => edges.Properties().Select(p => p.Name),
            not null when json["edges"] is JObject edges => edges.Properties().Select(p => p.Name),
            not null when json["edges"] is JArray list => list.Where(t => t.Type == JTokenType.String).Select(t => (string)t!),
            not null => [],
            _ => Lines(path),
        };
        int layers = 0, heads = 0, neurons = 0;
        bool mlp = false;
        void See(Node node)
        {
            if (node.Kind is NodeKind.AttentionHead or NodeKind.Mlp or NodeKind.Neuron)
            {
                layers = Math.Max(layers, node.Layer + 1);
                mlp |= node.IsMlp;
            }

            heads = node.IsHead ? Math.Max(heads, node.Index + 1) : heads;
            neurons = node.Kind == NodeKind.Neuron ? Math.Max(neurons, node.Index + 1) : neurons;
        }

        foreach (var id in ids)
        {
            if (GraphIds.TryParseEdge(id, out var edge))
            {
                See(edge.Source);
                See(edge.Destination);
            }
            else if (GraphIds.TryParseNode(id, out var node))
            {
                See(node);
            }
        }

        var config = ((json?["model"] as JObject)?["config"] ?? json?["cfg"]) as JObject;
        int? Int(string key) => config?[key] is JValue { Type: JTokenType.Integer } v && (long)v is > 0 and < 1 << 20 ? (int)(long)v : null;
        bool? Bool(string key) => config?[key] is JValue { Type: JTokenType.Boolean } v ? (bool)v : null;
        var shape = new GraphShape(
            Math.Max(layers, Int("n_layers") ?? 0),
            Math.Max(heads, Int("n_heads") ?? 0),
            Math.Max(Math.Max(neurons, 1), Int("d_mlp") ?? 0),
            Bool("attn_only") ?? !mlp,
            Bool("parallel_attn_mlp") ?? false);
        if (shape.NLayers < 1 || shape.NHeads < 1)
        {
            throw new BadInputException($"{path}: no layer or head can be read from the file (no config and no head ids); give --model to build the graph from the model");
        }

        return shape;
    }

    /// <summary>The file as JSON (its scored edges streamed, <see cref="CircuitJsonDocument"/>), or null when it is a text list.</summary>
    private static CircuitJsonDocument? ReadDocument(string path, bool skipEdges = false)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such file");
        }

        if (CircuitJsonDocument.FirstCharacter(path) != '{')
        {
            return null;
        }

        return CircuitJsonDocument.Load(path, skipEdges);
    }

    private static IEnumerable<string> Lines(string path)
    {
        string text = InputFile.ReadAllText(path);
        if (!text.TrimStart().StartsWith('['))
        {
            return text.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0);
        }

        try
        {
            return JArray.Parse(text).Where(t => t.Type == JTokenType.String).Select(t => (string)t!).ToList();
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not valid JSON ({e.Message})", e);
        }
    }
}
