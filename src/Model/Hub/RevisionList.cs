using System.Globalization;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// A list of revisions given on the command line: comma-separated (<c>step0,step512,step1000</c>) or a named preset —
/// <c>pythia</c>, Pythia's 154 training checkpoints: <c>step0</c>, <c>step1</c>, <c>step2</c>, <c>step4</c> … <c>step512</c>,
/// then every 1000 steps to <c>step143000</c>.
/// </summary>
public static class RevisionList
{
    /// <summary>The named presets.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Presets { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["pythia"] = Pythia(),
    };

    /// <summary>The revisions <paramref name="text"/> names, in order; errors begin with <paramref name="where"/>.</summary>
    public static IReadOnlyList<string> Parse(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Presets.TryGetValue(text.Trim(), out var preset))
        {
            return preset;
        }

        var revisions = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (revisions.Length == 0)
        {
            throw new BadInputException($"{where}: no revisions given (a comma-separated list, or a preset: {string.Join(", ", Presets.Keys)})");
        }

        var duplicate = revisions.GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BadInputException($"{where}: revision {duplicate.Key} is given twice");
        }

        foreach (var revision in revisions)
        {
            try
            {
                HubReference.Parse("x@" + revision, where);
            }
            catch (BadInputException)
            {
                throw new BadInputException($"{where}: '{revision}' is not a revision (a branch, tag or commit: letters, digits, '.', '_', '-', '/')");
            }
        }

        return revisions;
    }

    private static List<string> Pythia()
    {
        var steps = new List<long> { 0 };
        for (long s = 1; s <= 512; s *= 2)
        {
            steps.Add(s);
        }

        for (long s = 1000; s <= 143_000; s += 1000)
        {
            steps.Add(s);
        }

        return steps.Select(s => "step" + s.ToString(CultureInfo.InvariantCulture)).ToList();
    }
}
