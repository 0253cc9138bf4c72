namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// How far a discovery run is: <paramref name="Done"/> of <paramref name="Total"/> edges tested (or scored), and the
/// number of edges the circuit holds at this point (<paramref name="CircuitEdges"/>).
/// </summary>
public sealed record DiscoveryProgress(int Done, int Total, int CircuitEdges);
