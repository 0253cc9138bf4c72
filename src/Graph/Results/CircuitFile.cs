namespace CircuitFinder.Graph.Results;

/// <summary>
/// A circuit read from a file: its edges in <see cref="Graph"/>, the edge scores when the file carries them, and the
/// format it was read as (<c>circuit.json</c>, <c>eap-ig</c>, <c>list</c>).
/// </summary>
public sealed record CircuitFile(string Path, string Format, ComputeGraph Graph, Circuit Circuit, IReadOnlyDictionary<Edge, double>? Scores);
