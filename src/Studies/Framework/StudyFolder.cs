using System.Text;
using CircuitFinder.Reports.Plots;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// Writes a study's folder: <c>study.json</c>, <c>report.md</c>, <c>report.html</c> and <c>img/*.png</c>, staged in an
/// <see cref="OutputFolder"/> and swapped into place (nothing is left behind when a write fails).
/// </summary>
public static class StudyFolder
{
    /// <summary>The output kind in the folder's marker.</summary>
    public const string OutputKind = "study";

    /// <summary>Where a plot is written, relative to the folder.</summary>
    public static string PlotPath(StudyPlot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return $"img/{SafeName.Slug(plot.File, "plot")}.png";
    }

    /// <summary>The files of <paramref name="result"/>, by relative path.</summary>
    public static IReadOnlyDictionary<string, byte[]> Render(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["study.json"] = Encoding.UTF8.GetBytes(JsonFiles.Format(StudyJson.Write(result)) + "\n"),
        };
        var page = StudyReport.Page(result);
        files["report.md"] = Encoding.UTF8.GetBytes(MarkdownWriter.Write(page));
        files["report.html"] = Encoding.UTF8.GetBytes(HtmlWriter.Write(page));
        foreach (var plot in result.Plots)
        {
            files[PlotPath(plot)] = Png(plot);
        }

        foreach (var (path, bytes) in result.Files)
        {
            if (files.ContainsKey(path))
            {
                throw new ArgumentException($"study {result.Study}: the file {path} is written twice", nameof(result));
            }

            files[path] = bytes;
        }

        return files;
    }

    /// <summary>Renders <paramref name="result"/> into <paramref name="output"/>'s staging folder and swaps it into place.</summary>
    public static void Write(OutputFolder output, StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (path, bytes) in Render(result))
        {
            string file = output.File(path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }

        output.Commit();
    }

    private static byte[] Png(StudyPlot plot) => (plot.Map, plot.Curves) switch
    {
        ({ } map, null) => HeatMapPlot.Png(map),
        (null, { } curves) => CurvePlot.Png(plot.Title, curves.XLabel, curves.YLabel, curves.XTicks, curves.Series.Select(s => (s.Name, s.Values)).ToList()),
        _ => throw new ArgumentException($"plot {plot.File}: give a heat map or curves, exactly one", nameof(plot)),
    };
}
