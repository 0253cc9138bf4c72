namespace CircuitFinder.Reports.Verification;

/// <summary>One budget of the faithfulness curve: fraction of edges, edges asked for, edges kept after pruning, metric, faithfulness.</summary>
public sealed record CurvePointSummary(double Fraction, int Requested, int Edges, double Metric, double Faithfulness);
