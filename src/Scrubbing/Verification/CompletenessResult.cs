namespace CircuitFinder.Scrubbing.Verification;

/// <summary>Completeness (Wang et al. 2022): the worst gap over the sampled family of subsets, and every subset tried.</summary>
public sealed record CompletenessResult(SubsetGap Worst, IReadOnlyList<SubsetGap> Evaluated);
