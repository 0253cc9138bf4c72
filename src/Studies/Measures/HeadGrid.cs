using System.Globalization;
using CircuitFinder.Detectors;
using CircuitFinder.Graph.Views;

namespace CircuitFinder.Studies.Measures;

/// <summary>Layer × head grids of numbers: heat maps, a detector column as a grid, the heads ranked by a grid.</summary>
public static class HeadGrid
{
    /// <summary>A layer × head heat map of <paramref name="values"/> <c>[layer, head]</c>.</summary>
    public static ViewMap Map(string name, string title, double[,] values, string valueLabel, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var layers = Enumerable.Range(0, values.GetLength(0)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var heads = Enumerable.Range(0, values.GetLength(1)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        return ViewMap.From(name, title, "layer", "head", layers, heads, values, valueLabel, min, max);
    }

    /// <summary>A detector's column of <paramref name="table"/> as <c>[layer, head]</c> (NaN where it does not apply).</summary>
    public static double[,] Column(HeadTable table, string column)
    {
        ArgumentNullException.ThrowIfNull(table);
        var values = new double[table.NLayers, table.NHeads];
        var scores = table.Column(column) ?? throw new ArgumentException($"the head table has no column '{column}'", nameof(column));
        for (int l = 0; l < table.NLayers; l++)
        {
            for (int h = 0; h < table.NHeads; h++)
            {
                values[l, h] = scores.At(l, h, table.NHeads) ?? double.NaN;
            }
        }

        return values;
    }

    /// <summary>Every head with its value, highest first (ties: lower layer, then lower head); NaN values left out.</summary>
    public static IReadOnlyList<(int Layer, int Head, double Value)> Ranked(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<(int Layer, int Head, double Value)>();
        for (int l = 0; l < values.GetLength(0); l++)
        {
            for (int h = 0; h < values.GetLength(1); h++)
            {
                if (!double.IsNaN(values[l, h]))
                {
                    list.Add((l, h, values[l, h]));
                }
            }
        }

        return list.OrderByDescending(x => x.Value).ThenBy(x => x.Layer).ThenBy(x => x.Head).ToList();
    }

    /// <summary>The head as people write it: <c>L1H2</c>.</summary>
    public static string Name(int layer, int head) => HeadLabel.Name(layer, head);

    /// <summary>A number for a table cell (4 significant digits).</summary>
    public static string Cell(double value) => double.IsNaN(value) ? "–" : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary><paramref name="values"/> minus <paramref name="value"/>, cell by cell (an ablated metric minus the clean one).</summary>
    public static double[,] Minus(double[,] values, double value)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = (double[,])values.Clone();
        for (int l = 0; l < result.GetLength(0); l++)
        {
            for (int h = 0; h < result.GetLength(1); h++)
            {
                result[l, h] -= value;
            }
        }

        return result;
    }
}
