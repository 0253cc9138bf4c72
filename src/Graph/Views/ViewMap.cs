namespace CircuitFinder.Graph.Views;

/// <summary>
/// One heat map of a view (logit lens, direct logit attribution, a patching map, an attention pattern), tensor-free:
/// <paramref name="Values"/> has a row per <paramref name="Rows"/> label and a column per <paramref name="Columns"/>
/// label (NaN: no value). <paramref name="RowAxis"/> and <paramref name="ColumnAxis"/> name the axes (<c>layer</c>,
/// <c>head</c>, <c>position</c>, <c>component</c>, <c>query</c>, <c>key</c>); <paramref name="ValueLabel"/> names
/// what a cell holds. <paramref name="Min"/> and <paramref name="Max"/> fix the colour scale (null: the data's range).
/// </summary>
public sealed record ViewMap(
    string Name,
    string Title,
    string RowAxis,
    string ColumnAxis,
    IReadOnlyList<string> Rows,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<double>> Values,
    string ValueLabel,
    double? Min = null,
    double? Max = null)
{
    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public double this[int row, int column] => Values[row][column];

    /// <summary>The value in the row labelled <paramref name="row"/> and the column labelled <paramref name="column"/>.</summary>
    public double At(string row, string column)
    {
        int r = IndexOf(Rows, row, RowAxis);
        int c = IndexOf(Columns, column, ColumnAxis);
        return Values[r][c];
    }

    /// <summary>Builds a map from a rectangular array.</summary>
    public static ViewMap From(
        string name, string title, string rowAxis, string columnAxis, IReadOnlyList<string> rows, IReadOnlyList<string> columns, double[,] values, string valueLabel, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) != rows.Count || values.GetLength(1) != columns.Count)
        {
            throw new ArgumentException($"values are {values.GetLength(0)} × {values.GetLength(1)}, labels {rows.Count} × {columns.Count}", nameof(values));
        }

        var list = Enumerable.Range(0, rows.Count)
            .Select(r => (IReadOnlyList<double>)Enumerable.Range(0, columns.Count).Select(c => values[r, c]).ToArray())
            .ToArray();
        return new ViewMap(name, title, rowAxis, columnAxis, rows, columns, list, valueLabel, min, max);
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label, string axis)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"no {axis} labelled '{label}' (have {string.Join(", ", labels.Take(12))}{(labels.Count > 12 ? ", ..." : string.Empty)})");
    }
}
