using ScottPlot;

namespace CircuitFinder.Reports.Plots;

/// <summary>
/// Lines over labelled x positions (0, 1, 2, … ticked with <c>xTicks</c>, every k-th when there are more than 24): training curves of a study, a metric per
/// checkpoint, a bar-like comparison. One line per series, a legend on the right; NaN points are left out. The same
/// input gives the same bytes.
/// </summary>
public static class CurvePlot
{
    /// <summary>The plot as PNG bytes.</summary>
    public static byte[] Png(string title, string xLabel, string yLabel, IReadOnlyList<string> xTicks, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series)
    {
        ArgumentNullException.ThrowIfNull(xTicks);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var xs = Enumerable.Range(0, series[i].Values.Count).Where(x => !double.IsNaN(series[i].Values[x])).ToArray();
            var line = plot.Add.Scatter(xs.Select(x => (double)x).ToArray(), xs.Select(x => series[i].Values[x]).ToArray());
            line.LegendText = series[i].Name;
            line.Color = palette.GetColor(i);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, (int)Math.Ceiling(xTicks.Count / 24.0));
        for (int i = 0; i < xTicks.Count; i += step)
        {
            ticks.AddMajor(i, xTicks[i]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        if (xTicks.Count > 6 && xTicks.Max(t => t.Length) > 4)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -60;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 90;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(900, 420, ImageFormat.Png);
    }
}
