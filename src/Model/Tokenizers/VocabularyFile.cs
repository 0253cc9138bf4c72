using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>Reads a vocab.json: either a JSON array of token strings or a HuggingFace token → id object.</summary>
internal static class VocabularyFile
{
    /// <summary>Parses the file as JSON, keeping strings verbatim (no date parsing).</summary>
    public static JToken Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: vocabulary file not found");
        }

        try
        {
            using var text = File.OpenText(path);
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

    private static string Describe(JTokenType type) => type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.Integer => "an integer",
        JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => type.ToString().ToLowerInvariant(),
    };
}
