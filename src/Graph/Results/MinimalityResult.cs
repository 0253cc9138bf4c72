namespace CircuitFinder.Graph.Results;

/// <summary>Minimality per circuit node, and the node with the smallest drop (the least necessary one).</summary>
public sealed record MinimalityResult(IReadOnlyList<NodeMinimality> Nodes, NodeMinimality? Least);
