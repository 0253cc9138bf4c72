using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Detectors.Runs;

/// <summary>Turns the detectors' results into the plain records the wiki and table writers take (Reports never sees tensors or detectors; the records live in Graph, where both see them).</summary>
public static class HeadTables
{
    /// <summary>The plain table of <paramref name="table"/>; a score that is not finite (an all-excluded pattern) becomes null.</summary>
    public static WikiHeadTable ToWiki(HeadTable table, string? name = null, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new WikiHeadTable
        {
            Model = name ?? table.Model,
            Step = step,
            NLayers = table.NLayers,
            NHeads = table.NHeads,
            Columns = table.Columns.Select(c => c.Name).ToList(),
            Scores = table.Columns.Select(c => (IReadOnlyList<double?>)c.Values.Select(v => v is { } x && double.IsFinite(x) ? v : null).ToList()).ToList(),
            Labels = table.Labels,
            Pairs = table.Pairs.Select(p => new WikiPair(
                WikiHeadTable.HeadName(p.SenderLayer, p.SenderHead), WikiHeadTable.HeadName(p.ReceiverLayer, p.ReceiverHead), p.Mode, p.Score)).ToList(),
            Baselines = table.Baselines,
            Notes = table.Notes,
            Examples = table.Examples,
        };
    }

    /// <summary>The categories with their rules, for the wiki.</summary>
    public static IReadOnlyList<WikiCategory> Categories() =>
        HeadCategories.All.Select(c => new WikiCategory(c.Label, c.Column, c.Rule, c.Description)).ToList();
}
