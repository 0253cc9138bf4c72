using CircuitFinder.Graph.Diff;
using CircuitFinder.Reports.Plots;
using CircuitFinder.Reports.Views;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Reports.Diff;

/// <summary>
/// Writes a model diff into a claimed <see cref="OutputFolder"/> and swaps it into place in one step: <c>diff.json</c>
/// (<see cref="DiffJson"/>), <c>diff.md</c> (plots linked), <c>diff.html</c> (self-contained: plots embedded as data URIs,
/// no scripts, every string escaped), <c>diff.csv</c> of the head maps, and the PNG plots: <c>logprobs.png</c> and
/// <c>difference.png</c> per position of the text, <c>weights-heads.png</c>, <c>dla-heads.png</c>,
/// <c>patching-heads.png</c> (layer × head). A run that fails before this returns leaves nothing behind.
/// </summary>
public static class DiffFolder
{
    public static IReadOnlyList<string> Write(OutputFolder output, ModelDiffReport report, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["diff.json"] = Utf8(JsonFiles.Format(DiffJson.Write(report, toolVersion)) + "\n"),
        };
        if (report.Text is { } text)
        {
            var xs = text.Positions.Select(p => (double)p.Position).ToList();
            files["logprobs.png"] = LinePlot.Png("log p(actual next token)", "position", "log p (nats)", xs,
                [("A", text.Positions.Select(p => p.LogProbA).ToList()), ("B", text.Positions.Select(p => p.LogProbB).ToList())]);
            var series = new List<(string, IReadOnlyList<double>)> { ("log p B − log p A", text.Positions.Select(p => p.Difference).ToList()) };
            if (text.MeanKl is not null)
            {
                series.Add(("KL(A ‖ B)", text.Positions.Select(p => p.Kl ?? double.NaN).ToList()));
            }

            files["difference.png"] = LinePlot.Png("difference per position", "position", "nats", xs, series);
        }

        var maps = report.Inside is { } inside ? DiffMaps.Of(inside) : [];
        foreach (var map in maps)
        {
            files[map.Name + ".png"] = HeatMapPlot.Png(map);
        }

        if (maps.Count > 0)
        {
            files["diff.csv"] = Utf8(ViewMapCsv.Write(maps));
        }

        var plots = files.Keys.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        files["diff.md"] = Utf8(MarkdownWriter.Write(DiffPage.Build(report, plots, name => name)));
        files["diff.html"] = Utf8(HtmlWriter.Write(DiffPage.Build(report, plots, name => "data:image/png;base64," + Convert.ToBase64String(files[name]))));
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(output.File(name), bytes);
        }

        output.Commit();
        return files.Keys.Select(f => Path.Combine(output.Given, f)).ToList();
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
