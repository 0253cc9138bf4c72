using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli;

/// <summary>Writes machine output: JSON to stdout, or atomically to a file (temporary file, then rename).</summary>
public static class JsonOutput
{
    public static void Write(JToken json, string? path, TextWriter stdout)
    {
        if (path is null)
        {
            stdout.WriteLine(JsonFiles.Format(json));
            return;
        }

        JsonFiles.WriteIndented(path, json);
    }

    /// <summary>What <paramref name="write"/> writes, streamed: to stdout, or atomically to <paramref name="path"/>.</summary>
    public static void Write(Action<JsonWriter> write, string? path, TextWriter stdout)
    {
        if (path is null)
        {
            JsonFiles.Write(stdout, write);
            stdout.WriteLine();
            return;
        }

        JsonFiles.WriteIndented(path, write);
    }
}
