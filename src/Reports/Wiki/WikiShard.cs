using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// What one shard of a wiki build computed: <see cref="Part"/> is the family with only this shard's head tables,
/// <see cref="Entries"/> the whole family's entry names in order, and this is shard <see cref="Index"/> of
/// <see cref="Count"/> (1-based).
/// </summary>
public sealed record WikiShard(WikiFamily Part, IReadOnlyList<string> Entries, int Index, int Count);
