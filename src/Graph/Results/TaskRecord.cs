namespace CircuitFinder.Graph.Results;

/// <summary>The task a run used: name, content hash, prompt count and the metric it was scored with.</summary>
public sealed record TaskRecord(string Name, string ContentHash, int Prompts, string Metric);
