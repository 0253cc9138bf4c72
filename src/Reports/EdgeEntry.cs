namespace CircuitFinder.Reports;

/// <summary>One member of a circuit file's scored edge object: the edge id, its score (null when none) and whether it is in the circuit.</summary>
public sealed record EdgeEntry(string Id, double? Score, bool InGraph);
