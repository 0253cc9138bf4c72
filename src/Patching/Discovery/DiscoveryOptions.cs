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

    /// <summary>ACDC: where to save progress (null: no checkpoints).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>ACDC: save progress after this many edge tests.</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>ACDC: continue from <see cref="CheckpointPath"/> where it holds a checkpoint; one of another run is bad input.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Identifies the run as <c>key=value</c> pairs joined by <c>|</c> (model weights, task, method, parameters): a checkpoint
    /// of another run is never resumed, and <see cref="AcdcCheckpoint.Differences"/> names the keys that differ.
    /// </summary>
    public string Fingerprint { get; init; } = string.Empty;
}
