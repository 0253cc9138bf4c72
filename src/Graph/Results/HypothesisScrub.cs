namespace CircuitFinder.Graph.Results;

/// <summary>Causal scrubbing of one hypothesis file: the file, the hypothesis' edge count, and the scrubbing result.</summary>
public sealed record HypothesisScrub(string File, int Edges, ScrubResult Result);
