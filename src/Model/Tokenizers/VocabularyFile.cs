using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>Reads a vocab.json: either a JSON array of token strings or a HuggingFace token → id object.</summary>
internal static class VocabularyFile
{
    /// <summary>Parses the file as JSON, keeping strings verbatim (no date parsing).</summary>
    public static JToken Read(string path, string kind = "vocabulary")
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: {kind} file not found");
        }

        try
        {
            using var text = new StringReader(InputFile.ReadAllText(path));
            using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader);
            if (reader.Read() && reader.TokenType != JsonToken.Comment)
            {
                throw new BadInputException($"{path}: unexpected content after the JSON value (line {reader.LineNumber})");
            }

            return token;
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The token strings of a vocabulary array; the index of the first non-string is named.</summary>
    public static List<string> TokenStrings(JToken json, string path)
    {
        if (json is not JArray array)
        {
            throw new BadInputException($"{path}: expected a JSON array of token strings, found {Describe(json.Type)}");
        }

        var tokens = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i].Type != JTokenType.String)
            {
                throw new BadInputException(
                    $"{path}: token at index {i} is {Describe(array[i].Type)}, expected a string");
            }

            tokens.Add((string)array[i]!);
        }

        return tokens;
    }

    /// <summary>
    /// The token → id map of a HuggingFace vocabulary object (<paramref name="field"/> names it in
    /// messages, e.g. "model.vocab"); ids must be distinct non-negative integers.
    /// </summary>
    public static Dictionary<string, int> TokenIds(JToken? json, string path, string field)
    {
        if (json is not JObject obj)
        {
            throw new BadInputException(
                $"{path}: {field} should be a JSON object mapping token strings to ids, found {Describe(json?.Type ?? JTokenType.Undefined)}");
        }

        var ids = new Dictionary<string, int>(obj.Count, StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>(obj.Count);
        foreach (var (token, value) in obj)
        {
            if (value is not JValue { Value: long number } || number is < 0 or >= int.MaxValue)
            {
                var found = value is { Type: JTokenType.Integer } ? $"{value}" : Describe(value?.Type ?? JTokenType.Null);
                throw new BadInputException($"{path}: {field}: the id of token '{token}' is {found}, expected a non-negative integer");
            }

            var id = (int)number;
            if (!tokenOfId.TryAdd(id, token))
            {
                throw new BadInputException($"{path}: {field}: duplicate id {id} (tokens '{tokenOfId[id]}' and '{token}')");
            }

            ids[token] = id;
        }

        return ids;
    }

    /// <summary>"an object", "a string", "null", ... for messages.</summary>
    public static string Describe(JTokenType type) => type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.Integer => "an integer",
        JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        JTokenType.String => "a string",
        JTokenType.Undefined => "nothing",
        _ => type.ToString().ToLowerInvariant(),
    };
}
