namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// How a circuit is selected and tuned: ACDC's threshold τ; for score-based methods, a threshold on |score|, a top-k
/// edge count or a budget in percent of all edges (MIB budgets 0.1 … 50%); EAP-IG's integration steps; the hybrid's
/// screen (where it starts, and whether it grows until certified; see <see cref="HybridDiscovery"/>).
/// </summary>
public sealed record DiscoveryOptions
{
    public double? Threshold { get; init; }

    public int? TopK { get; init; }

    public double? BudgetPercent { get; init; }

    public int IgSteps { get; init; } = 5;

    /// <summary>The hybrid's starting screen as a fraction of all edges (the screen starts at the larger of this and <see cref="HybridScreenMinimum"/>).</summary>
    public double HybridScreenFraction { get; init; } = 0.01;

    /// <summary>The hybrid's smallest starting screen in edges.</summary>
    public int HybridScreenMinimum { get; init; } = 256;

    /// <summary>The most edges the hybrid's screen may grow to (null: every edge); a screen stopped there is not certified.</summary>
    public int? HybridScreenMaximum { get; init; }

    /// <summary>Whether the hybrid doubles its screen until the screened-out edges pass ACDC's test together (else it keeps the first).</summary>
    public bool HybridAdaptive { get; init; } = true;

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
