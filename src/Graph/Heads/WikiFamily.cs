namespace CircuitFinder.Graph.Heads;

/// <summary>
/// A family of models for the wiki: sizes of one architecture, or (when <see cref="IsCheckpoints"/>) the checkpoints of one
/// training run in step order; the categories with their rules; and what each score column means.
/// </summary>
public sealed record WikiFamily
{
    public required string Title { get; init; }

    public bool IsCheckpoints { get; init; }

    public required IReadOnlyList<WikiHeadTable> Models { get; init; }

    public required IReadOnlyList<WikiCategory> Categories { get; init; }

    /// <summary>One line per score column.</summary>
    public IReadOnlyDictionary<string, string> ColumnDescriptions { get; init; } = new Dictionary<string, string>();
}
