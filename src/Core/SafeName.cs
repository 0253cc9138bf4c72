using System.Text;

namespace CircuitFinder.Core;

/// <summary>
/// File names derived from data (model names, category labels, score columns): reduced to a slug of lower-case ASCII
/// letters, digits, <c>_</c> and <c>-</c>, so no label can name a folder (<c>../..</c>), an absolute path, a hidden
/// file or a device; collisions are resolved deterministically by order (<c>name</c>, <c>name-2</c>, <c>name-3</c> …).
/// </summary>
public static class SafeName
{
    /// <summary>The longest slug kept (the tail, where names differ most, e.g. checkpoint steps).</summary>
    public const int MaxLength = 60;

    /// <summary>
    /// The slug of <paramref name="label"/>: lower-cased; every character other than an ASCII letter, digit or <c>_</c>
    /// becomes <c>-</c>; leading and trailing <c>-</c> trimmed; the last <see cref="MaxLength"/> characters;
    /// <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string Slug(string label, string fallback = "item")
    {
        ArgumentNullException.ThrowIfNull(label);
        var name = new StringBuilder(label.Length);
        foreach (char c in label.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '-');
        }

        string slug = name.ToString().Trim('-');
        slug = slug.Length > MaxLength ? slug[^MaxLength..].Trim('-') : slug;
        return slug.Length == 0 ? fallback : slug;
    }

    /// <summary>Slugs of <paramref name="labels"/>, in order, all different: a later label whose slug is taken gets <c>-2</c>, <c>-3</c> ….</summary>
    public static IReadOnlyList<string> Unique(IEnumerable<string> labels, string fallback = "item")
    {
        ArgumentNullException.ThrowIfNull(labels);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var label in labels)
        {
            string slug = Slug(label, fallback);
            string unique = slug;
            for (int i = 2; !used.Add(unique); i++)
            {
                unique = $"{slug}-{i}";
            }

            result.Add(unique);
        }

        return result;
    }
}
