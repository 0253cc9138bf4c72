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
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.Indented })
        {
            json.WriteTo(writer);
        }

        return text.ToString();
    }

    /// <summary>Writes <see cref="Format"/> of <paramref name="json"/> and a final newline to <paramref name="path"/> atomically.</summary>
    public static void WriteIndented(string path, JToken json) => AtomicFile.WriteAllText(path, Format(json) + "\n");

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

        try
        {
            return JObject.Parse(InputFile.ReadAllText(path, limit));
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not a valid JSON object ({e.Message})", e);
        }
    }
}
