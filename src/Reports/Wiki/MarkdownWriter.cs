using System.Text;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Renders a <see cref="Page"/> as CommonMark with GitHub tables. Every piece of text is escaped: Markdown punctuation gets
/// a backslash and <c>&lt; &gt; &amp;</c> become entities, so token strings such as <c>&lt;script&gt;</c> are shown, never parsed;
/// link destinations are percent-encoded (<see cref="Destination"/>).
/// </summary>
public static class MarkdownWriter
{
    public static string Write(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var text = new StringBuilder();
        text.Append("# ").Append(Escape(page.Title)).Append("\n\n");
        foreach (var block in page.Blocks)
        {
            switch (block)
            {
                case Heading h:
                    text.Append(new string('#', h.Level)).Append(' ').Append(Escape(h.Text)).Append("\n\n");
                    break;
                case Paragraph p:
                    text.Append(Inlines(p.Pieces)).Append("\n\n");
                    break;
                case BulletList l:
                    foreach (var item in l.Items)
                    {
                        text.Append("- ").Append(Inlines(item)).Append('\n');
                    }

                    text.Append('\n');
                    break;
                case Image i:
                    text.Append("![").Append(Escape(i.Alt)).Append("](").Append(Destination(i.Source)).Append(")\n\n");
                    break;
                case Table t:
                    text.Append("| ").Append(string.Join(" | ", t.Headers.Select(Escape))).Append(" |\n");
                    text.Append('|').Append(string.Concat(t.Headers.Select(_ => " --- |"))).Append('\n');
                    foreach (var row in t.Rows)
                    {
                        text.Append("| ").Append(string.Join(" | ", row.Select(c => Inlines([c])))).Append(" |\n");
                    }

                    text.Append('\n');
                    break;
                default:
                    throw new ArgumentException($"unknown block {block.GetType().Name}", nameof(page));
            }
        }

        return text.ToString();
    }

    /// <summary>Escapes text for Markdown (inline and table cells).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': result.Append("&lt;"); break;
                case '>': result.Append("&gt;"); break;
                case '&': result.Append("&amp;"); break;
                case '\n' or '\r': result.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '|' or '~':
                    result.Append('\\').Append(c);
                    break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// A link destination: every character other than an ASCII letter, digit, <c>/ . _ -</c> is percent-encoded (UTF-8),
    /// so no destination can close the link, start a title or run into the text.
    /// </summary>
    public static string Destination(string href)
    {
        ArgumentNullException.ThrowIfNull(href);
        var result = new StringBuilder(href.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(href))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')
            {
                result.Append(c);
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }

    private static string Inlines(IEnumerable<Inline> pieces) => string.Concat(pieces.Select(p =>
    {
        string text = Escape(p.Text);
        if (p.Code)
        {
            text = "<code>" + text + "</code>";
        }

        return p.Href is null ? text : $"[{text}]({Destination(p.Href)}{(p.PageLink ? ".md" : string.Empty)})";
    }));
}
