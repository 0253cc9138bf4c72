using CircuitFinder.Patching.Attribution;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// <c>eap</c> (Syed et al. 2023) and <c>eap-ig</c> (Hanna et al. 2024, integrated gradients over the input embeddings,
/// <see cref="DiscoveryOptions.IgSteps"/> steps): score every edge, then select by threshold, top-k or budget.
/// </summary>
public sealed class EdgeAttributionPatching : IDiscoveryAlgorithm
{
    private readonly bool _integrated;

    public EdgeAttributionPatching(bool integrated)
    {
        _integrated = integrated;
    }

    public string Name => _integrated ? "eap-ig" : "eap";

    public DiscoveryResult Discover(DiscoveryContext context, IProgress<(int Done, int Total)>? progress = null)
    {
        int total = context.Patcher.Graph.Edges.Count;
        progress?.Report((0, total));
        var scores = Scores(context);
        var circuit = CircuitSelection.Select(context.Patcher.Graph, scores, context.Options);
        progress?.Report((total, total));
        var details = new Dictionary<string, double> { ["ig_steps"] = _integrated ? context.Options.IgSteps : 0 };
        return new DiscoveryResult(circuit, scores, 0, details);
    }

    internal IReadOnlyDictionary<CircuitFinder.Graph.Edge, double> Scores(DiscoveryContext context) => EdgeAttribution.Score(
        context.Model,
        context.Patcher,
        context.Metric,
        context.Answers,
        context.WrongAnswers,
        _integrated ? context.Options.IgSteps : 0);
}
