namespace CircuitFinder.Reports.Verification;

/// <summary>Completeness: the worst gap over the sampled subsets and every subset tried, with the family's settings.</summary>
public sealed record CompletenessSummary(SubsetSummary Worst, IReadOnlyList<SubsetSummary> Evaluated, int RandomSubsets, int GreedySteps);
