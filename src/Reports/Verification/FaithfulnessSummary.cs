namespace CircuitFinder.Reports.Verification;

/// <summary>The circuit's size and its faithfulness f = (m(C) − m(∅)) / (m(M) − m(∅)) with the three metric values.</summary>
public sealed record FaithfulnessSummary(int Edges, int Nodes, int GraphEdges, double CleanMetric, double AblatedMetric, double CircuitMetric, double Faithfulness);
