using System.Diagnostics;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Reports;

namespace CircuitFinder.Cli;

/// <summary>Writes a discovery report: circuit.json and circuit.dot atomically, and circuit.svg when Graphviz' <c>dot</c> runs.</summary>
public static class ReportFiles
{
    /// <summary>
    /// Checks <paramref name="folder"/> can be created and written, before any long work, naming it otherwise; folders
    /// created for the check are removed again, so a run that fails later leaves nothing behind.
    /// </summary>
    public static void EnsureWritable(string folder)
    {
        var created = new List<string>();
        try
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); dir is not null && !dir.Exists; dir = dir.Parent)
            {
                created.Add(dir.FullName);
            }

            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-test.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new BadInputException($"--out {folder}: cannot write there ({e.Message})", e);
        }
        finally
        {
            foreach (var dir in created.Where(Directory.Exists))
            {
                Directory.Delete(dir);
            }
        }
    }

    public static IReadOnlyList<string> Write(string folder, DiscoveryRecord report)
    {
        string json = Path.Combine(folder, "circuit.json");
        string dot = Path.Combine(folder, "circuit.dot");
        JsonFiles.WriteIndented(json, CircuitJson.Write(report));
        string title = $"{report.Method} on {report.Task.Name}: {report.Circuit.Count} edges, faithfulness {report.Faithfulness:F3}";
        AtomicFile.WriteAllText(dot, CircuitDot.Write(report.Graph, report.Circuit, report.Scores, title));
        var written = new List<string> { json, dot };
        string svg = Path.Combine(folder, "circuit.svg");
        if (TryRenderSvg(dot, svg))
        {
            written.Add(svg);
        }

        return written;
    }

    private static bool TryRenderSvg(string dot, string svg)
    {
        string temporary = svg + $".{Guid.NewGuid():N}.tmp";
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dot", ["-Tsvg", dot, "-o", temporary])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null || !process.WaitForExit(60_000) || process.ExitCode != 0)
            {
                return false;
            }

            File.Move(temporary, svg, overwrite: true);
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // Graphviz is not installed
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
