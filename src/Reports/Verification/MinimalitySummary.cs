namespace CircuitFinder.Reports.Verification;

/// <summary>Minimality per node and the node with the smallest drop.</summary>
public sealed record MinimalitySummary(IReadOnlyList<NodeMinimalitySummary> Nodes, NodeMinimalitySummary? Least);
