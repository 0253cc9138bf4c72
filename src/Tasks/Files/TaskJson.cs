using System.Numerics;
using CircuitFinder.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tasks.Files;

/// <summary>Small helpers for reading task JSON: value descriptions for messages, integers, line numbers.</summary>
internal static class TaskJson
{
    /// <summary>Loading settings: duplicate keys are errors, line numbers are kept for messages.</summary>
    public static JsonLoadSettings LoadSettings { get; } = new()
    {
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        LineInfoHandling = LineInfoHandling.Load,
    };

    /// <summary>"a string", "an integer (3)", "an object", ... for messages.</summary>
    public static string Describe(JToken token) => token.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "a list",
        JTokenType.String => $"a string ({token.ToString(Formatting.None)})",
        JTokenType.Integer => $"an integer ({token.ToString(Formatting.None)})",
        JTokenType.Float => $"a number ({token.ToString(Formatting.None)})",
        JTokenType.Boolean => $"a boolean ({token.ToString(Formatting.None)})",
        JTokenType.Null => "null",
        JTokenType.Undefined => "empty (two commas in a row?)",
        _ => token.Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The value as an int when it is a JSON integer that fits; null otherwise.</summary>
    public static int? AsInt(JToken token)
    {
        if (token is not JValue { Type: JTokenType.Integer } value)
        {
            return null;
        }

        return value.Value switch
        {
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            int i => i,
            BigInteger => null,
            _ => null,
        };
    }

    /// <summary>The 1-based line a token starts on, or 0 when unknown.</summary>
    public static int LineOf(JToken token) => token is IJsonLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    /// <summary>
    /// Parses one JSON value (the whole text); malformed JSON is a <see cref="BadInputException"/> with line and position
    /// (<paramref name="lineOffset"/> added to the line, for one line of a JSON Lines file).
    /// </summary>
    public static JToken Parse(string text, string where, int lineOffset = 0)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader, LoadSettings);
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                {
                    throw new BadInputException(
                        $"{where}: unexpected content after the JSON value at line {reader.LineNumber + lineOffset}, position {reader.LinePosition}");
                }
            }

            return token;
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException(
                $"{where}: malformed JSON at line {e.LineNumber + lineOffset}, position {e.LinePosition}: {FirstSentence(e.Message)}", e);
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path '", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
