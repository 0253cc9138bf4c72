namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// How a circuit is selected and tuned: ACDC's threshold τ; for score-based methods, a threshold on |score|, a top-k
/// edge count or a budget in percent of all edges (MIB budgets 0.1 … 50%); EAP-IG's integration steps; the hybrid's
/// screening cut (the fraction of edges, by |EAP-IG score|, that get ACDC's exact test).
/// </summary>
public sealed record DiscoveryOptions
{
    public double? Threshold { get; init; }

    public int? TopK { get; init; }

    public double? BudgetPercent { get; init; }

    public int IgSteps { get; init; } = 5;

    public double HybridScreenFraction { get; init; } = 0.1;
}
