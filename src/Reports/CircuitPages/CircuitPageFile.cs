using System.Text;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// The output checks of a circuit report (<c>report --out FILE.html</c>, and the <c>circuit.html</c> that <c>discover</c>
/// and <c>verify --out</c> write): <see cref="OutputFile.Check"/> (not a folder or special file, not an input, writable),
/// and an existing file is replaced only when it is a page this tool wrote (it carries <see cref="CircuitHtml.Generator"/>);
/// anything else is a <see cref="BadInputException"/> naming the option and the path, and nothing is written.
/// </summary>
public static class CircuitPageFile
{
    public static void Check(string path, IEnumerable<string?>? inputs = null, string option = "--out")
    {
        OutputFile.Check(path, inputs, option);
        if (File.Exists(path) && !IsOurs(path))
        {
            throw new BadInputException(
                $"{option} {path}: the file exists and is not a circuit report written by circuitfinder; remove it or choose another file");
        }
    }

    /// <summary>Whether <paramref name="path"/> starts like a page <see cref="CircuitHtml"/> wrote (its generator meta).</summary>
    public static bool IsOurs(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var head = new byte[1024];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Encoding.UTF8.GetString(head, 0, read).Contains($"<meta name=\"generator\" content=\"{CircuitHtml.Generator}\">", StringComparison.Ordinal);
    }
}
