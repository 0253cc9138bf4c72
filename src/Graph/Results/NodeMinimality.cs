namespace CircuitFinder.Graph.Results;

/// <summary>
/// Minimality of one circuit node v (Wang et al. 2022): the largest drop |F(C \ K) − F(C \ (K ∪ {v}))| found over the
/// sampled helper subsets K ⊆ C \ {v}, as metric units and as a fraction of |m(M) − m(∅)|, with the K that realised it.
/// A node whose best drop is small is one the circuit could do without.
/// </summary>
public sealed record NodeMinimality(Node Node, double Drop, double DropFraction, IReadOnlyList<Node> Helper);
