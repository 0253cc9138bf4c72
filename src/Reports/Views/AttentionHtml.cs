using System.Globalization;
using System.Net;
using System.Text;
using CircuitFinder.Graph.Views;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// An <see cref="AttentionReport"/> as one self-contained HTML5 page (inline CSS, no scripts, nothing fetched): per head a
/// table with a row per query token and a column per key token, each cell shaded by its weight and titled with it. Every token string and label is HTML-encoded, so a token such as
/// <c>&lt;script&gt;</c> shows as text; whitespace in tokens is kept visible.
/// </summary>
public static class AttentionHtml
{
    private const string Style =
        "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 2em}" +
        "td,th{border:1px solid #ddd;padding:.15em .3em;font-size:12px;text-align:center;min-width:1.6em}" +
        "th{background:#f4f4f4;font-family:monospace;white-space:pre;font-weight:normal}" +
        "th.k{writing-mode:vertical-rl;text-align:left}td.b{border:none;background:#fff}";

    public static string Write(AttentionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        string title = $"{report.Model}: attention patterns";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title))
            .Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n<p>")
            .Append(E(report.Source)).Append(", ").Append(report.Tokens.Count.ToString(CultureInfo.InvariantCulture))
            .Append(" tokens: ").Append(string.Join(" ", report.Tokens.Select(t => "<code>" + E(t) + "</code>"))).Append("</p>\n");
        foreach (var head in report.Heads)
        {
            html.Append("<h2>").Append(E(head.Name)).Append("</h2>\n<p>rows: query, columns: key; each row sums to 1</p>\n<table>\n<tr><td class=\"b\"></td>");
            foreach (var key in head.Columns)
            {
                html.Append("<th class=\"k\">").Append(E(key)).Append("</th>");
            }

            html.Append("</tr>\n");
            for (int q = 0; q < head.Rows.Count; q++)
            {
                html.Append("<tr><th>").Append(E(head.Rows[q])).Append("</th>");
                for (int k = 0; k < head.Columns.Count; k++)
                {
                    double w = head[q, k];
                    string alpha = Math.Clamp(w, 0, 1).ToString("0.###", CultureInfo.InvariantCulture);
                    string value = w.ToString("0.000", CultureInfo.InvariantCulture);
                    html.Append("<td style=\"background:rgba(31,119,180,").Append(alpha).Append(")").Append(w > 0.6 ? ";color:#fff" : string.Empty)
                        .Append("\" title=\"").Append(E($"{head.Rows[q]} → {head.Columns[k]}: {value}")).Append("\">")
                        .Append(w >= 0.9995 ? "1" : w >= 0.005 ? value[1..] : string.Empty).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
