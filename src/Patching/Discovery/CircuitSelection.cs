using CircuitFinder.Graph;

namespace CircuitFinder.Patching.Discovery;

/// <summary>Turns edge scores into a circuit: by |score| threshold, top-k, or a budget in percent of the graph's edges; then prunes.</summary>
public static class CircuitSelection
{
    /// <summary>The MIB circuit-track edge budgets, in percent of all edges.</summary>
    public static IReadOnlyList<double> MibBudgets { get; } = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50];

    public static Circuit Select(ComputeGraph graph, IReadOnlyDictionary<Edge, double> scores, DiscoveryOptions options)
    {
        int chosen = (options.Threshold is null ? 0 : 1) + (options.TopK is null ? 0 : 1) + (options.BudgetPercent is null ? 0 : 1);
        if (chosen != 1)
        {
            throw new ArgumentException("choose exactly one of a threshold, a top-k edge count or a budget (percent of edges)");
        }

        if (options.Threshold is { } tau)
        {
            return Circuit.Threshold(graph, scores, tau).Prune(graph);
        }

        int k = options.TopK ?? BudgetEdges(graph, options.BudgetPercent!.Value);
        if (k < 0)
        {
            throw new ArgumentException($"the edge count must not be negative, got {k}");
        }

        return Circuit.TopK(graph, scores, k).Prune(graph);
    }

    /// <summary>Edges in a budget of <paramref name="percent"/>% of the graph (rounded, at least one).</summary>
    public static int BudgetEdges(ComputeGraph graph, double percent)
    {
        if (percent is <= 0 or > 100 || double.IsNaN(percent))
        {
            throw new ArgumentException($"a budget must be in (0, 100] percent, got {percent}");
        }

        return Math.Max(1, (int)Math.Round(graph.Edges.Count * percent / 100.0));
    }
}
