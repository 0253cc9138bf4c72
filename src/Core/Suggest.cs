namespace CircuitFinder.Core;

/// <summary>Nearest-name ("did you mean") suggestions for unknown names, by Levenshtein distance.</summary>
public static class Suggest
{
    /// <summary>The candidate nearest to <paramref name="name"/>; ties go to the ordinally first; empty when there is none.</summary>
    public static string Nearest(string name, IEnumerable<string> candidates) =>
        candidates.OrderBy(c => Distance(name, c)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault() ?? string.Empty;

    /// <summary>The candidate whose <paramref name="id"/> is nearest to <paramref name="target"/>; ties go to the earliest candidate.</summary>
    public static T? Nearest<T>(string target, IEnumerable<T> candidates, Func<T, string> id)
        where T : class
    {
        T? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = Distance(target, id(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Levenshtein edit distance: the fewest insertions, deletions and substitutions turning a into b.</summary>
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
