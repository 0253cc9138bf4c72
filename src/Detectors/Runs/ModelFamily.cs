using System.Globalization;
using System.Text.RegularExpressions;
using CircuitFinder.Model.Zoo;

namespace CircuitFinder.Detectors.Runs;

/// <summary>
/// A family of models for the wiki, in order: sizes of one architecture given by name (<see cref="FromModels"/>), or a
/// folder whose sub-folders are models (<see cref="FromFolder"/>) — when every sub-folder is named like <c>step_N</c>
/// (also <c>step-N</c>, <c>stepN</c>, <c>checkpoint-N</c>) they are the checkpoints of one run, in step order — or
/// <c>zoo:NAME</c>, the shipped checkpoints of a trained zoo model. Errors begin with the <c>where</c> given (an option
/// name such as <c>--family</c>).
/// </summary>
public sealed partial record ModelFamily(string Title, bool IsCheckpoints, IReadOnlyList<FamilyEntry> Entries)
{
    /// <summary>The entries' names, in order (what a wiki shard lists).</summary>
    public IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToList();

    /// <summary>Models given by folder or <c>zoo:NAME</c>, in the order given; a zoo model's task is its hint.</summary>
    public static ModelFamily FromModels(IReadOnlyList<string> models, string where)
    {
        ArgumentNullException.ThrowIfNull(models);
        var entries = models.Select(m => new FamilyEntry(m, m, null, DetectionRun.TaskHint(m))).ToList();
        if (entries.Count == 0)
        {
            throw new BadInputException($"{where}: no models given");
        }

        var duplicate = entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BadInputException($"{where}: {duplicate.Key} is given twice");
        }

        return new(entries.Count == 1 ? entries[0].Name : $"{entries[0].Name} … {entries[^1].Name}", false, entries);
    }

    /// <summary>The model folders in <paramref name="family"/> (a folder, or <c>zoo:NAME</c> for its shipped checkpoints).</summary>
    public static ModelFamily FromFolder(string family, string where)
    {
        ArgumentNullException.ThrowIfNull(family);
        string folder = family, title = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(family)));
        string? task = null;
        if (family.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal))
        {
            var zoo = ZooCatalog.Get(family[ZooCatalog.Prefix.Length..]);
            folder = zoo is TrainedZooModel trained ? Path.Combine(trained.Folder, "checkpoints") : string.Empty;
            if (!Directory.Exists(folder))
            {
                throw new BadInputException($"{where} {family}: this zoo model ships no checkpoints (zoo:attn-only-2l does)");
            }

            title = $"{family} checkpoints";
            task = zoo.TaskName;
        }
        else if (!Directory.Exists(folder))
        {
            throw new BadInputException($"{where} {family}: folder not found (a hub model's training checkpoints need --revisions)");
        }

        var members = Directory.GetDirectories(folder)
            .Where(d => File.Exists(Path.Combine(d, "config.json")))
            .Select(d => (Folder: d, Name: Path.GetFileName(d)))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        if (members.Count == 0)
        {
            throw new BadInputException($"{where} {family}: no model folders (sub-folders with a config.json) in {folder}");
        }

        var steps = members.Select(m => StepPattern().Match(m.Name)).ToList();
        if (steps.All(s => s.Success))
        {
            var ordered = members.Zip(steps, (m, s) => (m, Step: long.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture)))
                .OrderBy(x => x.Step)
                .Select(x => new FamilyEntry(x.m.Name, x.m.Folder, x.Step, task))
                .ToList();
            return new(title, true, ordered);
        }

        return new(title, false, members.Select(m => new FamilyEntry(m.Name, m.Folder, null, task)).ToList());
    }

    /// <summary>
    /// The revisions of one hub model (<c>NAME@REVISION</c> each, e.g. Pythia's <c>step0</c> … <c>step143000</c>), in the
    /// order given; when every revision is named like a step they are checkpoints, as the <c>step_N</c> folders of
    /// <see cref="FromFolder"/> are. An entry's name is its revision, so the same checkpoints give the same site either way.
    /// </summary>
    public static ModelFamily FromRevisions(string name, IReadOnlyList<string> revisions, string where)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(revisions);
        if (revisions.Count == 0)
        {
            throw new BadInputException($"{where}: no revisions given");
        }

        if (name.Contains('@', StringComparison.Ordinal))
        {
            throw new BadInputException($"{where} {name}: give the revisions with --revisions, not in the name");
        }

        var steps = revisions.Select(r => StepPattern().Match(r)).ToList();
        bool checkpoints = steps.All(s => s.Success);
        var entries = revisions.Zip(steps, (r, s) => new FamilyEntry(
            r, $"{name}@{r}", checkpoints ? long.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture) : null, null)).ToList();
        return new(name, checkpoints, checkpoints ? entries.OrderBy(e => e.Step).ToList() : entries);
    }

    /// <summary>The entries <paramref name="shard"/> computes: every count-th, from index − 1.</summary>
    public IReadOnlyList<FamilyEntry> EntriesOf(FamilyShard shard) =>
        Entries.Where((_, i) => i % shard.Count == shard.Index - 1).ToList();

    [GeneratedRegex(@"^(?:step|checkpoint)[_-]?(\d+)$")]
    private static partial Regex StepPattern();
}
