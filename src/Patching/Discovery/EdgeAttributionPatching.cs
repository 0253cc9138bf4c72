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

    /// <summary>Scores ranked by |score|; the task's metric by default (KL has no gradient at the clean point).</summary>
    public DiscoveryTraits Traits => new(SelectionKind.Ranking, Checkpoints: false, DefaultMetric: null, UsesIgSteps: _integrated, UsesScreenFraction: false);

    public DiscoveryResult Discover(DiscoveryContext context, IProgress<DiscoveryProgress>? progress = null)
    {
        int total = context.Graph.Edges.Count;
        progress?.Report(new DiscoveryProgress(0, total, total));
        var scores = Scores(context);
        var circuit = CircuitSelection.Select(context.Graph, scores, context.Options);
        progress?.Report(new DiscoveryProgress(total, total, circuit.Count));
        var details = new Dictionary<string, double> { ["ig_steps"] = _integrated ? context.Options.IgSteps : 0 };
        return new DiscoveryResult(circuit, scores, 0, details);
    }

    /// <summary>
    /// Every edge's score over all the context's prompts: each batch's scores (its metric averaged over its prompts; its patcher built when used)
    /// weighted by its share of the prompts, so the result equals one batch holding every prompt.
    /// </summary>
    internal IReadOnlyDictionary<CircuitFinder.Graph.Edge, double> Scores(DiscoveryContext context)
    {
        var total = new Dictionary<CircuitFinder.Graph.Edge, double>(context.Graph.Edges.Count);
        double prompts = context.PromptCount;
        context.Batches.ForEach(batch => EdgeAttribution.AddScores(
            context.Model, batch.Patcher, context.Metric, batch.Answers, batch.WrongAnswers, _integrated ? context.Options.IgSteps : 0, total, batch.Count / prompts));
        return total;
    }
}
