using System.Net;
using System.Text;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Renders a <see cref="Page"/> as a standalone HTML5 document without scripts (inline CSS only). All text and attribute
/// values are HTML-encoded, so token strings such as <c>&lt;script&gt;</c> appear as text and are never run.
/// </summary>
public static class HtmlWriter
{
    private const string Style =
        "body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}" +
        "th{background:#f4f4f4}code{background:#f4f4f4;padding:0 .2em}img{max-width:100%}";

    public static string Write(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(page.Title)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<h1>")
            .Append(E(page.Title)).Append("</h1>\n");
        foreach (var block in page.Blocks)
        {
            switch (block)
            {
                case Heading h:
                    html.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>\n");
                    break;
                case Paragraph p:
                    html.Append("<p>").Append(Inlines(p.Pieces)).Append("</p>\n");
                    break;
                case BulletList l:
                    html.Append("<ul>\n");
                    foreach (var item in l.Items)
                    {
                        html.Append("<li>").Append(Inlines(item)).Append("</li>\n");
                    }

                    html.Append("</ul>\n");
                    break;
                case Image i:
                    html.Append("<p><img src=\"").Append(E(i.Source)).Append("\" alt=\"").Append(E(i.Alt)).Append("\"></p>\n");
                    break;
                case Table t:
                    html.Append("<table>\n<tr>").Append(string.Concat(t.Headers.Select(h => "<th>" + E(h) + "</th>"))).Append("</tr>\n");
                    foreach (var row in t.Rows)
                    {
                        html.Append("<tr>").Append(string.Concat(row.Select(c => "<td>" + Inlines([c]) + "</td>"))).Append("</tr>\n");
                    }

                    html.Append("</table>\n");
                    break;
                default:
                    throw new ArgumentException($"unknown block {block.GetType().Name}", nameof(page));
            }
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inlines(IEnumerable<Inline> pieces) => string.Concat(pieces.Select(p =>
    {
        string text = E(p.Text);
        if (p.Code)
        {
            text = "<code>" + text + "</code>";
        }

        return p.Href is null ? text : $"<a href=\"{E(p.Href)}{(p.PageLink ? ".html" : string.Empty)}\">{text}</a>";
    }));
}
