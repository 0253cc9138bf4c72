namespace CircuitFinder.Graph.Results;

/// <summary>
/// Completeness (Wang et al. 2022): the worst gap over the sampled family of subsets, every subset tried, and the
/// family's settings (random subsets drawn, greedy steps taken).
/// </summary>
public sealed record CompletenessResult(SubsetGap Worst, IReadOnlyList<SubsetGap> Evaluated, int RandomSubsets, int GreedySteps);
