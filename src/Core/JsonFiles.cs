using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Core;

/// <summary>
/// The JSON conventions every layer shares: indented text with invariant culture and LF line ends, files written
/// atomically with a final newline, and JSON object files read with errors that name the file.
/// </summary>
public static class JsonFiles
{
    /// <summary>Indented JSON text, invariant culture, LF line ends, no final newline.</summary>
    public static string Format(JToken json)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(text, json.WriteTo);
        return text.ToString();
    }

    /// <summary>Writes <see cref="Format"/> of <paramref name="json"/> and a final newline to <paramref name="path"/> atomically.</summary>
    public static void WriteIndented(string path, JToken json) => AtomicFile.WriteAllText(path, Format(json) + "\n");

    /// <summary>
    /// Writes what <paramref name="write"/> writes, as <see cref="Format"/> would (indented, LF line ends), and a final
    /// newline to <paramref name="path"/> atomically, straight to the file: for JSON too large to hold as one tree.
    /// </summary>
    public static void WriteIndented(string path, Action<JsonWriter> write) => AtomicFile.Write(path, file =>
    {
        using var text = new StreamWriter(file, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        Write(text, write);
        text.Write('\n');
    });

    /// <summary>Writes what <paramref name="write"/> writes to <paramref name="output"/> as indented JSON (no final newline).</summary>
    public static void Write(TextWriter output, Action<JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new JsonTextWriter(output) { Formatting = Formatting.Indented, CloseOutput = false };
        write(writer);
    }

    /// <summary>
    /// Writes <paramref name="json"/>, except that the members at <paramref name="streamed"/>'s paths (<see cref="JToken.Path"/>:
    /// <c>graph.edges</c>) are written by their writers in place of the member's value: a file of millions of edges is
    /// written one edge at a time around a small tree of everything else.
    /// </summary>
    public static void WriteStreamed(JsonWriter writer, JToken json, IReadOnlyDictionary<string, Action<JsonWriter>> streamed)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(streamed);
        if (json is not JObject o)
        {
            json.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var member in o.Properties())
        {
            writer.WritePropertyName(member.Name);
            if (streamed.TryGetValue(member.Path, out var write))
            {
                write(writer);
            }
            else
            {
                WriteStreamed(writer, member.Value, streamed);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads a JSON object file of at most <paramref name="limit"/> bytes (a regular file: <see cref="InputFile"/>); a missing,
    /// special, oversized or malformed file is a <see cref="BadInputException"/> naming it.
    /// </summary>
    public static JObject ReadObject(string path, long limit = InputFile.DataLimit)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: file not found");
        }

        return ParseObject(InputFile.ReadAllText(path, limit), path);
    }

    /// <summary>
    /// Parses strict JSON object text: duplicate keys and trailing commas (which Json.NET would accept silently) are a
    /// <see cref="BadInputException"/> naming <paramref name="source"/>, the line and the key.
    /// </summary>
    public static JObject ParseObject(string text, string source)
    {
        RejectTrailingCommas(text, source);
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader, StrictSettings);
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                {
                    throw new BadInputException($"{source}: unexpected content after the JSON object at line {reader.LineNumber}");
                }
            }

            return token as JObject ?? throw new BadInputException($"{source}: expected a JSON object, got {token.Type.ToString().ToLowerInvariant()}");
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{source}: not a valid JSON object ({e.Message})", e);
        }
    }

    /// <summary>Duplicate keys are errors (Json.NET's default keeps the last).</summary>
    private static JsonLoadSettings StrictSettings { get; } = new() { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error };

    /// <summary>A comma followed (after white space) by <c>}</c> or <c>]</c>, outside strings, is an error naming the line.</summary>
    private static void RejectTrailingCommas(string text, string source)
    {
        int line = 1;
        bool inString = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                line++;
            }

            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c == ',')
            {
                int j = i + 1;
                while (j < text.Length && char.IsWhiteSpace(text[j]))
                {
                    j++;
                }

                if (j < text.Length && text[j] is '}' or ']')
                {
                    throw new BadInputException($"{source}: trailing comma before '{text[j]}' at line {line} (strict JSON has none)");
                }
            }
        }
    }
}
