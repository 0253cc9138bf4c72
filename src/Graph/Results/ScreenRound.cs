namespace CircuitFinder.Graph.Results;

/// <summary>
/// One round of the hybrid's screen: the <see cref="Edges"/> with the largest |EAP-IG score| kept, every other edge
/// ablated together, and the <see cref="Damage"/> that did to the metric relative to the full model (positive = worse).
/// </summary>
public sealed record ScreenRound(int Edges, double Damage);
