using ScottPlot;

namespace CircuitFinder.Reports.Plots;

/// <summary>
/// A PNG line plot of one or more series over the same x values (ScottPlot on SkiaSharp), with a legend naming each
/// series; non-finite values are drawn as gaps. The same input gives the same bytes.
/// </summary>
public static class LinePlot
{
    public static byte[] Png(string title, string xLabel, string yLabel, IReadOnlyList<double> xs, IReadOnlyList<(string Label, IReadOnlyList<double> Ys)> series)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, ys) = series[i];
            if (ys.Count != xs.Count)
            {
                throw new ArgumentException($"series '{label}' has {ys.Count} values for {xs.Count} x values", nameof(series));
            }

            var line = plot.Add.Scatter(xs.ToArray(), ys.Select(y => double.IsFinite(y) ? y : double.NaN).ToArray());
            line.LegendText = label;
            line.Color = palette.GetColor(i);
            line.MarkerSize = xs.Count > 200 ? 0 : 4;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        int width = Math.Clamp(500 + (xs.Count * 6), 700, 2400);
        return plot.GetImageBytes(width, 400, ImageFormat.Png);
    }
}
