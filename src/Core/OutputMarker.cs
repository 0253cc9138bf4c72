using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Core;

/// <summary>
/// The marker file an output folder carries (<see cref="OutputFolder.MarkerName"/>): which command wrote the folder and
/// every file it wrote, relative with <c>/</c>. A folder is a command's own earlier output exactly when its marker names
/// that command and lists every file in it.
/// </summary>
internal sealed record OutputMarker(string Kind, IReadOnlySet<string> Files)
{
    public const string Format = "circuitfinder/output@1";

    /// <summary>The marker of <paramref name="folder"/>; null when it has none or it is not a marker this tool wrote.</summary>
    public static OutputMarker? Read(string folder)
    {
        string path = Path.Combine(folder, OutputFolder.MarkerName);
        if (!InputFile.IsRegularFile(path))
        {
            return null;
        }

        try
        {
            var json = JObject.Parse(InputFile.ReadAllText(path, InputFile.DataLimit));
            if ((string?)json["format"] != Format || json["command"] is not JValue { Type: JTokenType.String } kind || json["files"] is not JArray files)
            {
                return null;
            }

            return new OutputMarker((string)kind!, files.Select(f => (string?)f ?? string.Empty).ToHashSet(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or BadInputException or InvalidCastException or ArgumentException)
        {
            return null;
        }
    }

    public void Write(string folder) => JsonFiles.WriteIndented(
        Path.Combine(folder, OutputFolder.MarkerName),
        new JObject { ["format"] = Format, ["command"] = Kind, ["files"] = new JArray(Files.Order(StringComparer.Ordinal)) });

    /// <summary>Whether <paramref name="relative"/> (with <c>/</c>) is this marker, a listed file, or a temporary file an interrupted atomic write of one left.</summary>
    public bool Owns(string relative)
    {
        if (relative == OutputFolder.MarkerName || Files.Contains(relative))
        {
            return true;
        }

        int slash = relative.LastIndexOf('/');
        string folder = slash < 0 ? string.Empty : relative[..(slash + 1)];
        string name = relative[(slash + 1)..];
        if (name.Length <= 38 || name[0] != '.')
        {
            return false;
        }

        string target = name[1..^37]; // .TARGET.<32 hex>.tmp
        return AtomicFile.IsTemporaryOf(name, target) && (Files.Contains(folder + target) || target == OutputFolder.MarkerName);
    }
}
