namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// What a discovery algorithm declares about itself, so that callers never match on its name: how it selects its
/// circuit; whether it saves progress to a checkpoint (and can resume); the metric it scores with when none is given
/// (null: the task's default); and which tuning options it reads (EAP-IG's integration steps, the hybrid's screening
/// fraction).
/// </summary>
public sealed record DiscoveryTraits(
    SelectionKind Selection,
    bool Checkpoints,
    string? DefaultMetric,
    bool UsesIgSteps,
    bool UsesScreenFraction);
