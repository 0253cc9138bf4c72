namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// The sampled family of node subsets for completeness and minimality: the empty set, every single node, <see cref="RandomSubsets"/> subsets
/// drawn with each node in at probability ½ (seeded by <see cref="Seed"/>), and the greedy chain that adds, up to
/// <see cref="GreedySteps"/> times, the node that most increases the score (Wang et al. 2022, appendix).
/// </summary>
public sealed record SubsetSearchOptions
{
    public int RandomSubsets { get; init; } = 16;

    public int GreedySteps { get; init; } = 4;

    public int Seed { get; init; }
}
