using System.Globalization;
using System.Text;
using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Head tables as CSV (RFC 4180 quoting): <c>model, step, id, layer, head</c>, one column per score (empty where a score
/// does not apply; the union of the tables' columns) and <c>labels</c> (separated by <c>;</c>).
/// </summary>
public static class HeadTableCsv
{
    public static string Write(IReadOnlyList<WikiHeadTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var columns = tables.SelectMany(t => t.Columns).Distinct().ToList();
        var text = new StringBuilder();
        text.Append(string.Join(',', new[] { "model", "step", "id", "layer", "head" }.Concat(columns).Append("labels").Select(Quote))).Append('\n');
        foreach (var table in tables)
        {
            for (int i = 0; i < table.NLayers * table.NHeads; i++)
            {
                int layer = i / table.NHeads, head = i % table.NHeads;
                var cells = new List<string>
                {
                    table.Model,
                    table.Step?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    WikiHeadTable.HeadName(layer, head),
                    layer.ToString(CultureInfo.InvariantCulture),
                    head.ToString(CultureInfo.InvariantCulture),
                };
                cells.AddRange(columns.Select(c => table.Score(c, i)?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty));
                cells.Add(string.Join(';', table.Labels[i]));
                text.Append(string.Join(',', cells.Select(Quote))).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>One CSV cell, quoted (RFC 4180) where it holds a comma, quote or line break.</summary>
    public static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
