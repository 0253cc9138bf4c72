using CircuitFinder.Graph;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// ACDC (Conmy et al. 2023) as DESIGN.md fixes it: destinations in reverse topological order (<c>logits</c>; then for
/// l = L−1..0: <c>m{l}</c>, then <c>a{l}.h{H−1}</c> … <c>a{l}.h0</c>, inputs q, k, v), each destination's incoming
/// edges with sources in the same reverse order; edge e is removed when the damage of also ablating it,
/// metric(H \ e) − metric(H) (signed so that positive is worse), is below τ — and the removal is kept. A destination
/// left with no outgoing edge has its incoming edges removed without a test. Finally nodes with no path from input
/// to logits are dropped. With <see cref="DiscoveryOptions.CheckpointPath"/> set, progress is saved every
/// <see cref="DiscoveryOptions.CheckpointEvery"/> tests; <see cref="DiscoveryOptions.Resume"/> continues from it.
/// </summary>
public sealed class Acdc : IDiscoveryAlgorithm
{
    public string Name => "acdc";

    /// <summary>Exact tests against τ, checkpointed; KL divergence by default, as in the paper.</summary>
    public DiscoveryTraits Traits { get; } = new(SelectionKind.ThresholdTest, Checkpoints: true, DefaultMetric: "kl", UsesIgSteps: false, UsesScreenFraction: false);

    public DiscoveryResult Discover(DiscoveryContext context, IProgress<DiscoveryProgress>? progress = null)
    {
        double tau = context.Options.Threshold ?? throw new ArgumentException("acdc needs a threshold τ");
        return Run(context, context.Graph.Edges, [], tau, progress);
    }

    /// <summary>
    /// ACDC over <paramref name="candidates"/> only, starting with <paramref name="preAblated"/> already removed (the
    /// hybrid's screened-out edges).
    /// </summary>
    internal static DiscoveryResult Run(
        DiscoveryContext context, IReadOnlyCollection<Edge> candidates, IReadOnlyCollection<Edge> preAblated, double tau, IProgress<DiscoveryProgress>? progress)
    {
        var graph = context.Graph;
        var options = context.Options;
        var candidateSet = candidates.ToHashSet();
        var ablated = preAblated.ToHashSet();
        var scores = new Dictionary<Edge, double>();
        var order = VisitOrder(graph).Where(candidateSet.Contains).ToList();
        int tests = 0, start = 0;
        var saved = options is { Resume: true, CheckpointPath: { } resumeFrom } ? AcdcCheckpoint.Load(resumeFrom) : null;
        if (saved is not null)
        {
            string path = options.CheckpointPath!;
            var differences = AcdcCheckpoint.Differences(saved.Fingerprint, options.Fingerprint);
            if (differences.Count > 0)
            {
                throw new BadInputException($"{path}: a checkpoint of another run ({string.Join("; ", differences)}); give --restart to discard it");
            }

            var (savedAblated, savedScores) = saved.Validate(graph, order.Count, path);
            ablated.UnionWith(savedAblated);
            foreach (var (edge, score) in savedScores)
            {
                scores[edge] = score;
            }

            (start, tests) = (saved.NextIndex, saved.Tests);
            AtomicFile.DeleteLeftovers(path); // a write the kill interrupted
        }

        // the starting set (the hybrid's screened-out edges, a resumed run's removals) spans every layer, while each test
        // adds an edge at or below the layers removed since: tests resume on the starting set's recorded run
        var baseSet = ablated.Count > 0 ? ablated.ToList() : null;
        double current = saved?.Current ?? context.MetricOf([baseSet ?? []], baseSet)[0];
        int sinceSave = 0;
        for (int index = start; index < order.Count; index++)
        {
            progress?.Report(new DiscoveryProgress(index, order.Count, graph.Edges.Count - ablated.Count));
            var edge = order[index];
            var destination = edge.Destination;
            bool destinationDead = destination.Kind != NodeKind.Logits
                && graph.OutputEdges(destination).All(ablated.Contains); // at neuron level an MLP writes through its neurons
            if (destinationDead)
            {
                ablated.Add(edge);
                scores[edge] = 0;
                continue;
            }

            var trial = ablated.Append(edge).ToList();
            double metric = context.MetricOf([trial], baseSet)[0];
            tests++;
            double damage = context.Damage(current, metric);
            scores[edge] = damage;
            if (damage < tau)
            {
                ablated.Add(edge);
                current = metric;
            }

            if (options.CheckpointPath is { } path && ++sinceSave >= options.CheckpointEvery)
            {
                sinceSave = 0;
                new AcdcCheckpoint(
                    options.Fingerprint,
                    index + 1,
                    ablated.Select(e => e.Id).Order(StringComparer.Ordinal).ToList(),
                    scores.ToDictionary(kv => kv.Key.Id, kv => kv.Value),
                    tests,
                    current).Save(path);
            }
        }

        progress?.Report(new DiscoveryProgress(order.Count, order.Count, graph.Edges.Count - ablated.Count));
        foreach (var edge in graph.Edges.Where(e => !scores.ContainsKey(e)))
        {
            scores[edge] = 0; // screened out before the exact tests
        }

        var circuit = new Circuit(graph.Edges.Where(e => !ablated.Contains(e))).Prune(graph);
        return new DiscoveryResult(circuit, scores, tests, new Dictionary<string, double> { ["threshold"] = tau, ["final_metric"] = current });
    }

    /// <summary>Edges in ACDC's visiting order.</summary>
    public static IEnumerable<Edge> VisitOrder(ComputeGraph graph)
    {
        var destinations = graph.Destinations.Reverse(); // logits, then m{L-1}, a{L-1}.h{H-1} ... (graph order reversed)
        foreach (var destination in destinations)
        {
            var incoming = graph.IncomingEdges(destination);
            foreach (var input in new QkvInput?[] { QkvInput.Q, QkvInput.K, QkvInput.V, null })
            {
                foreach (var edge in incoming.Where(e => e.Input == input).Reverse())
                {
                    yield return edge;
                }
            }
        }
    }
}
