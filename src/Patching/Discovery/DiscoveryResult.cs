using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// A discovered circuit (pruned to edges on input → logits paths), every edge's score (ACDC: the damage its removal
/// caused when tested; EAP/EAP-IG: the attribution), how many exact patching tests ran, and method-specific details.
/// </summary>
public sealed record DiscoveryResult(
    Circuit Circuit,
    IReadOnlyDictionary<Edge, double> Scores,
    int ExactTests,
    IReadOnlyDictionary<string, double> Details)
{
    /// <summary>The hybrid's screen: its rounds and what they certified (null for other methods).</summary>
    public ScreenCertificate? Certificate { get; init; }
}
