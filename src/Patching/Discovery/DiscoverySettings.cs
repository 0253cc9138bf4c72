using CircuitFinder.Graph;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// Everything a <see cref="DiscoveryRun"/> is asked to do, by catalog key and value as the <c>discover</c> command takes
/// them: the method, exactly one circuit selection (<see cref="Threshold"/>, <see cref="TopK"/> or
/// <see cref="BudgetPercent"/>; threshold-test methods take a threshold only), the metric (null: the method's default,
/// else the task's), the ablation, the graph level, the seed for generated noise, EAP-IG steps, the hybrid's screening
/// fraction, prompts per batch (null: all at once), and for checkpointing methods where and how often to save progress
/// and whether to resume or restart.
/// </summary>
public sealed record DiscoverySettings
{
    public string Method { get; init; } = "eap-ig";

    public double? Threshold { get; init; }

    public int? TopK { get; init; }

    public double? BudgetPercent { get; init; }

    public string? Metric { get; init; }

    public string Ablation { get; init; } = "resample";

    public GraphLevel Level { get; init; } = GraphLevel.Qkv;

    /// <summary>How edges are split by the destination's token position (<c>--positions none|all|labels</c>).</summary>
    public PositionMode Positions { get; init; } = PositionMode.None;

    public int Seed { get; init; }

    public int IgSteps { get; init; } = 5;

    /// <summary>The hybrid's starting screen, as a fraction of all edges.</summary>
    public double ScreenFraction { get; init; } = 0.01;

    /// <summary>The hybrid's smallest starting screen, in edges.</summary>
    public int ScreenMinimum { get; init; } = 256;

    /// <summary>The most edges the hybrid's screen may grow to (null: every edge).</summary>
    public int? ScreenMaximum { get; init; }

    /// <summary>The hybrid keeps its starting screen instead of doubling it until certified.</summary>
    public bool FixedScreen { get; init; }

    public int? BatchSize { get; init; }

    /// <summary>Where a checkpointing method saves its progress (null: nowhere); ignored by methods that do not checkpoint.</summary>
    public string? CheckpointPath { get; init; }

    public int CheckpointEvery { get; init; } = 200;

    /// <summary>
    /// Continue from <see cref="CheckpointPath"/>. A checkpoint of another run (other model, task, method or parameters) is
    /// bad input naming what differs; so is a checkpoint there at all without <see cref="Resume"/> or <see cref="Restart"/>.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Discard a checkpoint at <see cref="CheckpointPath"/> and start over.</summary>
    public bool Restart { get; init; }
}
