namespace CircuitFinder.Model;

/// <summary>Nearest-name suggestions for unknown names (Levenshtein distance).</summary>
public static class Suggest
{
    public static string Nearest(string name, IEnumerable<string> candidates) =>
        candidates.OrderBy(c => Distance(name, c)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault() ?? string.Empty;

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
