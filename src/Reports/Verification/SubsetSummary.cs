namespace CircuitFinder.Reports.Verification;

/// <summary>A completeness probe: the knocked-out nodes K, F(C \ K), F(M \ K), the gap (and as a fraction of |m(M) − m(∅)|), and how K was chosen.</summary>
public sealed record SubsetSummary(IReadOnlyList<string> Nodes, double CircuitMetric, double ModelMetric, double Gap, double GapFraction, string Origin);
