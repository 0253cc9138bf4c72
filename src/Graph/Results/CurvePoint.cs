namespace CircuitFinder.Graph.Results;

/// <summary>One point of a faithfulness curve: the edge budget (fraction of all edges), the edges kept after pruning, the metric and the faithfulness.</summary>
public sealed record CurvePoint(double Fraction, int Requested, int Edges, double Metric, double Faithfulness);
