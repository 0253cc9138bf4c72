using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>
/// A JSON circuit file read with its scored edge object streamed: the file's <c>edges</c> object (top level, as in an
/// EAP-IG / MIB graph JSON, or under <c>graph</c>, as in <c>circuit.json</c>) becomes <see cref="Edges"/>, checked edge
/// by edge, and an empty object in <see cref="Root"/>; everything else is read as it is. A neuron-level circuit.json
/// of a GPT-2-small-sized model holds 7.6 million edges (about 800 MB), which as one JSON tree would take over 15 GB.
/// Malformed files, duplicate keys and edges that are not <c>{"score": number, "in_graph": bool}</c> are a
/// <see cref="BadInputException"/> naming the file and the edge or field.
/// </summary>
public sealed record CircuitJsonDocument(JToken Root, IReadOnlyList<EdgeEntry>? Edges)
{
    /// <summary>The largest circuit file read: a GPT-2-small-sized neuron-level circuit.json is about 800 MB.</summary>
    public const long Limit = 4L << 30;

    private static readonly JsonLoadSettings Settings = new() { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error };

    /// <summary>The first character of <paramref name="path"/> that is not white space (null for none); reads a few kilobytes at most.</summary>
    public static char? FirstCharacter(string path)
    {
        using var text = new StreamReader(InputFile.OpenRead(path, Limit));
        int c;
        while ((c = text.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c < 0 ? null : (char)c;
    }

    /// <summary>
    /// Reads <paramref name="path"/>, a JSON object or array (a caller checks the first character); with
    /// <paramref name="skipEdges"/> the edge object is passed over unread (<see cref="Edges"/> is then null), for callers
    /// that want only the run's fields.
    /// </summary>
    public static CircuitJsonDocument Load(string path, bool skipEdges = false)
    {
        using var stream = InputFile.OpenRead(path, Limit);
        using var text = new StreamReader(stream);
        using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
        try
        {
            if (!reader.Read())
            {
                throw new BadInputException($"{path}: empty file");
            }

            List<EdgeEntry>? edges = null;
            var root = reader.TokenType == JsonToken.StartObject ? ReadObject(path, reader, 0, skipEdges, ref edges) : JToken.ReadFrom(reader, Settings);
            if (reader.Read())
            {
                throw new BadInputException($"{path}: not valid JSON (more after the end of the {(root is JObject ? "object" : "value")}, line {reader.LineNumber})");
            }

            return new CircuitJsonDocument(root, edges);
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>An object whose members are read as they are, but for the <c>edges</c> object at the top or under <c>graph</c>.</summary>
    private static JObject ReadObject(string path, JsonTextReader reader, int depth, bool skipEdges, ref List<EdgeEntry>? edges)
    {
        var o = new JObject();
        while (reader.Read() && reader.TokenType != JsonToken.EndObject)
        {
            string name = (string)reader.Value!;
            if (o.ContainsKey(name))
            {
                throw new BadInputException($"{path}: field '{name}' appears twice (line {reader.LineNumber})");
            }

            if (!reader.Read())
            {
                throw Truncated(path, reader);
            }

            if (name == "edges" && reader.TokenType == JsonToken.StartObject && (depth == 0 || depth == 1) && edges is null)
            {
                if (skipEdges)
                {
                    reader.Skip();
                }
                else
                {
                    edges = ReadEdges(path, reader);
                }

                o[name] = new JObject();
            }
            else if (name == "graph" && depth == 0 && reader.TokenType == JsonToken.StartObject)
            {
                o[name] = ReadObject(path, reader, 1, skipEdges, ref edges);
            }
            else
            {
                o[name] = JToken.ReadFrom(reader, Settings);
            }
        }

        return reader.TokenType == JsonToken.EndObject ? o : throw Truncated(path, reader);
    }

    private static List<EdgeEntry> ReadEdges(string path, JsonTextReader reader)
    {
        var edges = new List<EdgeEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonToken.EndObject)
        {
            string id = (string)reader.Value!;
            if (!seen.Add(id))
            {
                throw new BadInputException($"{path}: edge '{id}' appears twice");
            }

            reader.Read();
            if (reader.TokenType != JsonToken.StartObject || JToken.ReadFrom(reader, Settings) is not JObject fields)
            {
                throw new BadInputException($"{path}: edge '{id}' is not an object with 'score' and 'in_graph'");
            }

            double? score = null;
            if (fields["score"] is { Type: JTokenType.Float or JTokenType.Integer } number)
            {
                double value = (double)number;
                score = double.IsFinite(value)
                    ? value
                    : throw new BadInputException($"{path}: edge '{id}', field 'score': {value} is not a finite number (it would drop the edge from the faithfulness curve)");
            }
            else if (fields["score"] is { Type: not JTokenType.Null } other)
            {
                throw new BadInputException($"{path}: edge '{id}', field 'score': expected a number, got {other.Type.ToString().ToLowerInvariant()} {other.ToString(Formatting.None)}");
            }

            edges.Add(new EdgeEntry(id, score, fields["in_graph"] is { Type: JTokenType.Boolean } flag && (bool)flag));
        }

        return reader.TokenType == JsonToken.EndObject ? edges : throw Truncated(path, reader);
    }

    private static BadInputException Truncated(string path, JsonTextReader reader) =>
        new($"{path}: not valid JSON (the file ends inside an object, line {reader.LineNumber}: truncated?)");
}
