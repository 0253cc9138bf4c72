using System.Globalization;
using System.Text;
using CircuitFinder.Graph.Views;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// Maps as one long CSV table, a line per cell: <c>map,row_axis,row,column_axis,column,value</c> (round-trip precision; empty
/// for NaN). Cells are quoted where they hold a comma, quote or line break, and a cell that a spreadsheet would read as a
/// formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>) gets a leading apostrophe unless it is a number.
/// </summary>
public static class ViewMapCsv
{
    public static string Write(IEnumerable<ViewMap> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var text = new StringBuilder("map,row_axis,row,column_axis,column,value\n");
        foreach (var map in maps)
        {
            for (int r = 0; r < map.Rows.Count; r++)
            {
                for (int c = 0; c < map.Columns.Count; c++)
                {
                    double v = map[r, c];
                    string value = double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
                    text.Append(string.Join(',', new[] { map.Name, map.RowAxis, map.Rows[r], map.ColumnAxis, map.Columns[c] }.Select(Cell)))
                        .Append(',').Append(value).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Cell(string text)
    {
        bool formula = text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal)
            && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return HeadTableCsv.Quote(formula ? "'" + text : text);
    }
}
