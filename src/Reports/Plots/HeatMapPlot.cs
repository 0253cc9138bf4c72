using System.Globalization;
using CircuitFinder.Graph.Views;
using ScottPlot;

namespace CircuitFinder.Reports.Plots;

/// <summary>
/// The one PNG heat-map writer (ScottPlot on SkiaSharp), for the wiki's head tables and for the views: a row per
/// <see cref="ViewMap.Rows"/> label (the first on top), a column per <see cref="ViewMap.Columns"/> label, both axes
/// labelled with the map's axis names and ticked with the labels, NaN cells blank, a colour bar titled with the value
/// label. A fixed range (<see cref="ViewMap.Min"/>/<see cref="ViewMap.Max"/>) spans the colour map; one around zero (a
/// patching map's [−1, 1]) uses a diverging map centred on its middle, anything else Viridis. <see cref="HeatMapMarks"/>
/// optionally prints each cell's value in it and marks a baseline on the colour bar. The same map gives the same bytes.
/// </summary>
public static class HeatMapPlot
{
    private const int MaxTickLabel = 14;

    /// <summary>The map as PNG bytes.</summary>
    public static byte[] Png(ViewMap map, HeatMapMarks? marks = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        int rows = map.Rows.Count, columns = map.Columns.Count;
        var values = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                values[r, c] = map[r, c];
            }
        }

        var plot = new Plot();
        var heat = plot.Add.Heatmap(values);
        heat.Colormap = map.Min < 0 && map.Max > 0 ? new ScottPlot.Colormaps.Balance() : new ScottPlot.Colormaps.Viridis();
        if (map.Min is { } min && map.Max is { } max)
        {
            heat.ManualRange = new ScottPlot.Range(min, max);
        }

        var bar = plot.Add.ColorBar(heat);
        bar.Label = map.ValueLabel;
        if (marks is not null)
        {
            Mark(plot, bar, values, map, marks);
        }

        plot.Title(map.Title);
        plot.XLabel(map.ColumnAxis);
        plot.YLabel(map.RowAxis);
        plot.Axes.Bottom.TickGenerator = Ticks(map.Columns, reverse: false);
        plot.Axes.Left.TickGenerator = Ticks(map.Rows, reverse: true);
        if (map.Columns.Count > 6 && map.Columns.Max(c => c.Length) > 3)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -60;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 90;
        }

        int longestRow = map.Rows.Count == 0 ? 0 : map.Rows.Max(r => Math.Min(r.Length, MaxTickLabel));
        int baselineLabel = marks?.Baseline is null ? 0 : 140; // the colour bar's labelled baseline tick
        int width = Math.Clamp(Math.Max(220 + baselineLabel + (longestRow * 7) + (columns * 40), 60 + baselineLabel + (map.Title.Length * (marks is null ? 9 : 10))), 360, 2400);
        int height = Math.Clamp(160 + (rows * 32), 260, 2400);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Each cell's value in it (white on dark colours, black on light), and the baseline as a labelled tick of the colour bar.</summary>
    private static void Mark(Plot plot, ScottPlot.Panels.ColorBar bar, double[,] values, ViewMap map, HeatMapMarks marks)
    {
        var finite = values.Cast<double>().Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double min = map.Min ?? finite.Min(), max = map.Max ?? finite.Max();
        bool diverging = map.Min < 0 && map.Max > 0;
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (marks.CellValues)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    double v = values[r, c];
                    if (!double.IsFinite(v))
                    {
                        continue;
                    }

                    double f = max > min ? Math.Clamp((v - min) / (max - min), 0, 1) : 0.5;
                    bool dark = diverging ? Math.Abs(f - 0.5) > 0.3 : f < 0.6;
                    var text = plot.Add.Text(v.ToString(marks.CellFormat, CultureInfo.InvariantCulture), c, rows - 1 - r);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = columns > 16 ? 9 : 11;
                    text.LabelFontColor = dark ? Colors.White : Colors.Black;
                }
            }
        }

        if (marks.Baseline is { } baseline)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i <= 4; i++)
            {
                double at = min + (i * (max - min) / 4);
                if (Math.Abs(at - baseline) > (max - min) / 12)
                {
                    ticks.AddMajor(at, at.ToString("0.##", CultureInfo.InvariantCulture));
                }
            }

            ticks.AddMajor(baseline, string.Create(CultureInfo.InvariantCulture, $"◀ {marks.BaselineLabel} {baseline:0.###}"));
            bar.Axis.TickGenerator = ticks;
        }
    }

    /// <summary>A tick per label (shortened to <see cref="MaxTickLabel"/> characters); with many labels only every k-th.</summary>
    private static ScottPlot.TickGenerators.NumericManual Ticks(IReadOnlyList<string> labels, bool reverse)
    {
        int step = Math.Max(1, (int)Math.Ceiling(labels.Count / 60.0));
        var generator = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < labels.Count; i += step)
        {
            // row 0 is drawn on top: row i sits at y = count - 1 - i
            double position = reverse ? labels.Count - 1 - i : i;
            generator.AddMajor(position, Short(labels[i]));
        }

        return generator;
    }

    private static string Short(string label)
    {
        string visible = string.Concat(label.Select(ch => char.IsControl(ch) ? '·' : ch));
        return visible.Length <= MaxTickLabel ? visible : string.Create(CultureInfo.InvariantCulture, $"{visible[..(MaxTickLabel - 1)]}…");
    }
}
