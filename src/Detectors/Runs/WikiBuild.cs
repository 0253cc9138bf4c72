using CircuitFinder.Graph.Heads;
using CircuitFinder.Model.Loading;

namespace CircuitFinder.Detectors.Runs;

/// <summary>
/// The head-category wiki's computation as a library service: loads and scores each model of a family's shard and
/// returns the family with those models' head tables, the categories and what each score column means — the part a
/// shard file holds. Reports' <c>WikiShardFile</c>, <c>WikiMerge</c> and <c>WikiSite</c> write it, merge it and render
/// the site. Progress is reported per model as (model, fraction done).
/// </summary>
public static class WikiBuild
{
    public static WikiFamily Scan(
        ModelFamily family,
        FamilyShard shard,
        IReadOnlyList<IHeadDetector> detectors,
        DetectorOptions? options = null,
        string? title = null,
        IProgress<(string Step, double Fraction)>? progress = null,
        LoadOptions? load = null)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(shard);
        var mine = family.EntriesOf(shard);
        var scans = mine.Select((entry, i) =>
        {
            progress?.Report(($"{entry.Name} ({i + 1}/{mine.Count})", (double)i / mine.Count));
            return Scan(entry, detectors, options, load);
        }).ToList();
        return new WikiFamily
        {
            Title = title ?? family.Title,
            IsCheckpoints = family.IsCheckpoints,
            Models = scans.Select(x => x.Table).ToList(),
            Categories = HeadTables.Categories(),
            ColumnDescriptions = new SortedDictionary<string, string>(
                scans.SelectMany(x => x.Descriptions).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().Value), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Loads one entry (with <paramref name="load"/>'s options: default processing and the process environment's hub
    /// unless given; on the CPU) and scores it; the table is named and stepped as the entry.
    /// </summary>
    public static (WikiHeadTable Table, IReadOnlyDictionary<string, string> Descriptions) Scan(
        FamilyEntry entry, IReadOnlyList<IHeadDetector> detectors, DetectorOptions? options = null, LoadOptions? load = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var loaded = ModelLoader.Load(entry.Source, load);
        var table = DetectionRun.Run(loaded.Model, loaded.Tokenizer, entry.Name, entry.TaskHint, detectors, options);
        return (HeadTables.ToWiki(table, entry.Name, entry.Step), table.ColumnDescriptions);
    }
}
