namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// The metric after path patching from head <paramref name="SenderLayer"/>.<paramref name="SenderHead"/> to
/// <paramref name="Receivers"/>, beside the metrics of the unpatched clean and corrupted runs.
/// </summary>
public sealed record PathPatchResult(
    int SenderLayer, int SenderHead, IReadOnlyList<PathReceiver> Receivers, double Metric, double CleanMetric, double CorruptedMetric);
