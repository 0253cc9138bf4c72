namespace CircuitFinder.Graph.Results;

/// <summary>
/// A circuit's size (edges, nodes, edges of the whole graph) and its faithfulness f = (m(C) − m(∅)) / (m(M) − m(∅)) with
/// the three metric values: the clean model m(M), everything ablated m(∅), and everything outside the circuit ablated m(C).
/// </summary>
public sealed record FaithfulnessResult(int Edges, int Nodes, int GraphEdges, double CleanMetric, double AblatedMetric, double CircuitMetric, double Faithfulness);
