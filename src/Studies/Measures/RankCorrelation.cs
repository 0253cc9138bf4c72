using MathNet.Numerics.Statistics;

namespace CircuitFinder.Studies.Measures;

/// <summary>Spearman's rank correlation of two equally long lists (NaN pairs left out; NaN when fewer than three remain).</summary>
public static class RankCorrelation
{
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var kept = Enumerable.Range(0, Math.Min(a.Count, b.Count)).Where(i => !double.IsNaN(a[i]) && !double.IsNaN(b[i])).ToList();
        return kept.Count < 3 ? double.NaN : Correlation.Spearman(kept.Select(i => a[i]), kept.Select(i => b[i]));
    }

    /// <summary>The values of a <c>[layer, head]</c> grid, layer-major.</summary>
    public static IReadOnlyList<double> Flat(double[,] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return grid.Cast<double>().ToList();
    }
}
