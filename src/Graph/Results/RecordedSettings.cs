namespace CircuitFinder.Graph.Results;

/// <summary>
/// How a circuit in a <c>circuit.json</c> was discovered: the metric, ablation, graph level and seed its run recorded
/// (null where the file does not say), so that <c>verify</c> can check it the way it was found.
/// </summary>
public sealed record RecordedSettings(string? Metric, string? Ablation, string? Level, int? Seed);
