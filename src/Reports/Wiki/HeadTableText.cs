using System.Globalization;
using System.Text;
using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// One model's head table for people: an aligned text table (<c>head, layer, head#</c>, one column per score with three
/// decimals or <c>-</c>, <c>categories</c>) with the notes below it as <c># </c> lines.
/// </summary>
public static class HeadTableText
{
    public static string Write(WikiHeadTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var header = new[] { "head", "layer", "head#" }.Concat(table.Columns).Append("categories").ToList();
        var rows = Enumerable.Range(0, table.NLayers * table.NHeads).Select(i => new[]
        {
            WikiHeadTable.HeadName(i / table.NHeads, i % table.NHeads),
            (i / table.NHeads).ToString(CultureInfo.InvariantCulture),
            (i % table.NHeads).ToString(CultureInfo.InvariantCulture),
        }.Concat(table.Columns.Select(c => table.Score(c, i)?.ToString("F3", CultureInfo.InvariantCulture) ?? "-"))
         .Append(string.Join(",", table.Labels[i])).ToList()).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        foreach (var note in table.Notes)
        {
            text.AppendLine("# " + note);
        }

        return text.ToString();
    }
}
