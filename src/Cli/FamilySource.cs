using System.Globalization;
using System.Text.RegularExpressions;
using CircuitFinder.Model;
using CircuitFinder.Model.Zoo;

namespace CircuitFinder.Cli;

/// <summary>
/// Resolves a wiki family: <c>--models M1 M2 ...</c> (sizes of one architecture, in the order given), or
/// <c>--family DIR</c> — a folder whose sub-folders are models; when every sub-folder is named like <c>step_N</c>
/// (also <c>step-N</c>, <c>stepN</c>, <c>checkpoint-N</c>) they are the checkpoints of one run, in step order — or
/// <c>--family zoo:NAME</c>, the shipped checkpoints of a trained zoo model.
/// </summary>
public static partial class FamilySource
{
    public static (string Title, bool Checkpoints, IReadOnlyList<FamilyEntry> Entries) Resolve(string[]? models, string? family)
    {
        if ((models is { Length: > 0 }) == (family is not null))
        {
            throw new BadInputException("wiki: give either --models M1 M2 ... or --family DIR");
        }

        if (family is null)
        {
            var entries = models!.Select(m => new FamilyEntry(m, m, null, TaskOf(m))).ToList();
            var duplicate = entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new BadInputException($"--models: {duplicate.Key} is given twice");
            }

            return (entries.Count == 1 ? entries[0].Name : $"{entries[0].Name} … {entries[^1].Name}", false, entries);
        }

        string folder = family, title = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(family)));
        string? task = null;
        if (family.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal))
        {
            var zoo = ZooCatalog.Get(family[ZooCatalog.Prefix.Length..]);
            folder = zoo is TrainedZooModel trained ? Path.Combine(trained.Folder, "checkpoints") : string.Empty;
            if (!Directory.Exists(folder))
            {
                throw new BadInputException($"--family {family}: this zoo model ships no checkpoints (zoo:attn-only-2l does)");
            }

            title = $"{family} checkpoints";
            task = zoo.TaskName;
        }
        else if (!Directory.Exists(folder))
        {
            throw new BadInputException($"--family {family}: folder not found");
        }

        var members = Directory.GetDirectories(folder)
            .Where(d => File.Exists(Path.Combine(d, "config.json")))
            .Select(d => (Folder: d, Name: Path.GetFileName(d)))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        if (members.Count == 0)
        {
            throw new BadInputException($"--family {family}: no model folders (sub-folders with a config.json) in {folder}");
        }

        var steps = members.Select(m => StepPattern().Match(m.Name)).ToList();
        if (steps.All(s => s.Success))
        {
            var ordered = members.Zip(steps, (m, s) => (m, Step: long.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture)))
                .OrderBy(x => x.Step)
                .Select(x => new FamilyEntry(x.m.Name, x.m.Folder, x.Step, task))
                .ToList();
            return (title, true, ordered);
        }

        return (title, false, members.Select(m => new FamilyEntry(m.Name, m.Folder, null, task)).ToList());
    }

    /// <summary>The entries shard <paramref name="index"/> of <paramref name="count"/> (1-based) computes: every count-th, from index − 1.</summary>
    public static IReadOnlyList<FamilyEntry> Shard(IReadOnlyList<FamilyEntry> entries, int index, int count) =>
        entries.Where((_, i) => i % count == index - 1).ToList();

    /// <summary>Parses <c>i/n</c> with 1 ≤ i ≤ n.</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int i) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n) && n >= 1 && i >= 1 && i <= n)
        {
            return (i, n);
        }

        throw new BadInputException($"--shard: expected i/n with 1 ≤ i ≤ n (e.g. 1/4), got '{text}'");
    }

    private static string? TaskOf(string model) =>
        model.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal) && ZooCatalog.TryGet(model[ZooCatalog.Prefix.Length..], out var zoo) ? zoo.TaskName : null;

    [GeneratedRegex(@"^(?:step|checkpoint)[_-]?(\d+)$")]
    private static partial Regex StepPattern();
}
