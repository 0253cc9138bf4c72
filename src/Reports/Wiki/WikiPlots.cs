using System.Globalization;
using CircuitFinder.Graph.Heads;
using CircuitFinder.Graph.Views;
using CircuitFinder.Reports.Plots;
using ScottPlot;

namespace CircuitFinder.Reports.Wiki;

/// <summary>PNG plots for the wiki (ScottPlot): a score's heat map over layer × head, and each head's score against training step.</summary>
public static class WikiPlots
{
    /// <summary>
    /// The heat map of one score: a row per layer (layer 0 on top), a column per head, missing scores blank, each cell's
    /// value printed in it, coloured on the column's fixed <paramref name="scale"/> (<see cref="ScoreScale"/>; by default
    /// the one this table alone gives) with its random baseline marked on the colour bar. Returns PNG bytes.
    /// </summary>
    public static byte[] HeatMap(WikiHeadTable table, string column, ScoreScale? scale = null)
    {
        var (map, marks) = HeatMapSpec(table, column, scale);
        return HeatMapPlot.Png(map, marks);
    }

    /// <summary>What <see cref="HeatMap"/> plots: the map with its fixed range, and the marks (cell values, baseline).</summary>
    public static (ViewMap Map, HeatMapMarks Marks) HeatMapSpec(WikiHeadTable table, string column, ScoreScale? scale = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var values = new double[table.NLayers, table.NHeads];
        for (int l = 0; l < table.NLayers; l++)
        {
            for (int h = 0; h < table.NHeads; h++)
            {
                values[l, h] = table.Score(column, (l * table.NHeads) + h) ?? double.NaN;
            }
        }

        scale ??= ScoreScale.For(column, Enumerable.Range(0, table.NLayers * table.NHeads).Select(i => table.Score(column, i)), Baseline(table, column));
        var layers = Enumerable.Range(0, table.NLayers).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var heads = Enumerable.Range(0, table.NHeads).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var map = ViewMap.From(column, $"{table.Model}: {column} ({scale.Describe()})", "layer", "head", layers, heads, values, column, scale.Min, scale.Max);
        return (map, new HeatMapMarks(CellValues: true, CellFormat: scale.Max - scale.Min > 2.5 ? "0.0" : "0.00", Baseline: scale.Baseline));
    }

    /// <summary>The random baseline the table records for <paramref name="column"/> (composition scores), or null.</summary>
    public static double? Baseline(WikiHeadTable table, string column) =>
        table is not null && table.Baselines.TryGetValue(column, out double b) ? b : null;

    /// <summary>
    /// Each head's <paramref name="column"/> score against training step (x on a log scale, log10(step + 1)), one line
    /// per head. <paramref name="steps"/> are the checkpoints in step order. Returns PNG bytes.
    /// </summary>
    public static byte[] StepCurves(IReadOnlyList<WikiHeadTable> steps, string column)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        var xs = steps.Select(t => Math.Log10((t.Step ?? 0) + 1.0)).ToArray();
        var first = steps[0];
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < first.NLayers * first.NHeads; i++)
        {
            var ys = steps.Select(t => t.Score(column, i) ?? double.NaN).ToArray();
            if (ys.All(double.IsNaN))
            {
                continue;
            }

            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = WikiHeadTable.HeadName(i / first.NHeads, i % first.NHeads);
            line.Color = palette.GetColor(i);
        }

        var (positions, labels) = SpacedTicks(xs, steps.Select(t => (t.Step ?? 0).ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Title($"{column} by training step");
        plot.XLabel("step (log scale)");
        plot.YLabel(column);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(900, 420, ImageFormat.Png);
    }

    /// <summary>Step ticks at least 0.2 log-units apart (the last step always shown), so labels do not overlap.</summary>
    private static (double[] Positions, string[] Labels) SpacedTicks(double[] xs, string[] labels)
    {
        var kept = new List<int>();
        for (int i = 0; i < xs.Length; i++)
        {
            if (kept.Count > 0 && xs[i] - xs[kept[^1]] < 0.2)
            {
                if (i != xs.Length - 1)
                {
                    continue;
                }

                kept.RemoveAt(kept.Count - 1);
            }

            kept.Add(i);
        }

        return (kept.Select(i => xs[i]).ToArray(), kept.Select(i => labels[i]).ToArray());
    }
}
