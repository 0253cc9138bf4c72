using System.Globalization;
using System.Text;

namespace CircuitFinder.Core;

/// <summary>
/// Makes text from files and arguments safe to print on a terminal: every control character (C0, DEL, C1 — ESC
/// among them) and every line or paragraph separator becomes a JSON-style <c>\uXXXX</c> escape, as <c>run</c> and
/// <c>task show</c> print token strings, so an id or task string cannot move the cursor, recolour or retitle the
/// terminal. Everything else is left as it is.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (NeedsEscape(c))
            {
                result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>One line for a message: line breaks become spaces, then every other control character is escaped.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escape(text.ReplaceLineEndings(" "));
    }

    /// <summary>Several lines (a stack trace): each line escaped, the line breaks kept.</summary>
    public static string Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(Escape));
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
