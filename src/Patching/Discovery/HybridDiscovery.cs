using CircuitFinder.Graph;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// <c>hybrid</c>: EAP-IG scores every edge; ACDC's exact test then runs only on the top
/// <see cref="DiscoveryOptions.HybridScreenFraction"/> of edges by |score|; every other edge is pruned from the start.
/// Scores are the EAP-IG scores; the details record the screening cut (the smallest |score| tested), and the result
/// the number of exact tests.
/// </summary>
public sealed class HybridDiscovery : IDiscoveryAlgorithm
{
    public string Name => "hybrid";

    /// <summary>ACDC's exact tests against τ (checkpointed) on the EAP-IG screen; the task's metric by default.</summary>
    public DiscoveryTraits Traits { get; } = new(SelectionKind.ThresholdTest, Checkpoints: true, DefaultMetric: null, UsesIgSteps: true, UsesScreenFraction: true);

    public DiscoveryResult Discover(DiscoveryContext context, IProgress<DiscoveryProgress>? progress = null)
    {
        double tau = context.Options.Threshold ?? throw new ArgumentException("hybrid needs ACDC's threshold τ");
        double fraction = context.Options.HybridScreenFraction;
        if (fraction is <= 0 or > 1)
        {
            throw new ArgumentException($"the hybrid's screening fraction must be in (0, 1], got {fraction}");
        }

        var graph = context.Graph;
        var scores = new EdgeAttributionPatching(integrated: true).Scores(context);
        int keep = Math.Max(1, (int)Math.Ceiling(graph.Edges.Count * fraction));
        var screened = Circuit.TopK(graph, scores, keep).Edges;
        var rest = graph.Edges.Where(e => !screened.Contains(e)).ToList();
        var exact = Acdc.Run(context, screened.ToList(), rest, tau, progress);
        double cut = screened.Count == 0 ? 0 : screened.Min(e => Math.Abs(scores[e]));
        var details = new Dictionary<string, double>(exact.Details)
        {
            ["screen_fraction"] = fraction,
            ["screen_cut"] = cut,
            ["screened_edges"] = screened.Count,
            ["ig_steps"] = context.Options.IgSteps,
        };
        return exact with { Scores = scores, Details = details }; // EAP-IG scores for every edge, one scale
    }
}
