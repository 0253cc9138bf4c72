using System.Diagnostics;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Graph.Views;
using CircuitFinder.Reports;
using CircuitFinder.Reports.CircuitPages;

namespace CircuitFinder.Cli;

/// <summary>
/// Writes a discovery report: circuit.json, circuit.dot and the explorable circuit.html (with the node panel's
/// <paramref name="views"/> where given) atomically, and circuit.svg when Graphviz' <c>dot</c> runs.
/// </summary>
public static class ReportFiles
{
    /// <summary>The file ACDC and the hybrid save their progress in, inside <c>--out</c>.</summary>
    public const string Checkpoint = "acdc-checkpoint.json";

    public static IReadOnlyList<string> Write(string folder, DiscoveryRecord report, NodeViews? views = null)
    {
        string json = Path.Combine(folder, "circuit.json");
        string dot = Path.Combine(folder, "circuit.dot");
        string html = Path.Combine(folder, "circuit.html");
        CircuitJson.WriteFile(json, report);
        string title = $"{report.Method} on {report.Task.Name}: {report.Circuit.Count} edges, faithfulness {report.Faithfulness:F3}";
        AtomicFile.WriteAllText(dot, CircuitDot.Write(report.Graph, report.Circuit, report.Scores, title));
        var run = CircuitPageData.RunSection(CircuitJson.Summary(report));
        var page = new CircuitPage(CircuitPageSource.Title(run, "circuit.json", report.Circuit.Count, report.Graph.Edges.Count), report.Graph, report.Circuit, report.Scores, run, null, views);
        AtomicFile.WriteAllText(html, CircuitHtml.Write(page));
        var written = new List<string> { json, dot, html };
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
