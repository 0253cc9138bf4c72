namespace CircuitFinder.Graph.Results;

/// <summary>
/// One completeness probe: the nodes K knocked out, the metric F(C \ K) of the circuit without them and F(M \ K) of
/// the model without them, the gap |F(C \ K) − F(M \ K)| (also as a fraction of |m(M) − m(∅)|) and how K was chosen
/// (<c>empty</c>, <c>single</c>, <c>random</c>, <c>greedy</c>).
/// </summary>
public sealed record SubsetGap(IReadOnlyList<Node> Subset, double CircuitMetric, double ModelMetric, double Gap, double GapFraction, string Origin);
