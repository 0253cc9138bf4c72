namespace CircuitFinder.Patching.Discovery;

/// <summary>How a discovery algorithm decides which edges make the circuit.</summary>
public enum SelectionKind
{
    /// <summary>
    /// An exact test per edge against ACDC's threshold τ (<see cref="DiscoveryOptions.Threshold"/>), keeping each removal
    /// as it goes; takes a threshold and nothing else.
    /// </summary>
    ThresholdTest,

    /// <summary>
    /// A score for every edge, then a ranking cut: exactly one of a |score| threshold, a top-k edge count or a budget in
    /// percent of all edges.
    /// </summary>
    Ranking,
}
