namespace CircuitFinder.Graph.Views;

/// <summary>
/// An activation-patching map of a task: <paramref name="Map"/> holds each cell's normalized metric
/// (m − m_corrupt) / (m_clean − m_corrupt) on the fixed scale [−1, 1], <paramref name="Raw"/> the metric itself.
/// <paramref name="Denoise"/>: the clean activation patched into the corrupted run (1 = the patch restores the clean
/// behaviour); otherwise the corrupted activation into the clean run (0 = the patch destroys it).
/// </summary>
public sealed record PatchReport(
    string Model,
    string Task,
    int Prompts,
    string What,
    bool Denoise,
    string Metric,
    double CleanMetric,
    double CorruptMetric,
    ViewMap Map,
    ViewMap Raw);
