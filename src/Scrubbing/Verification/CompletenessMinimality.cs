using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// Completeness and minimality of a circuit (Wang et al. 2022, "Interpretability in the Wild", section 4), with nodes
/// knocked out by ablating every edge out of them (the patcher's ablation). The circuit's nodes are its heads, MLPs or
/// neurons (not <c>input</c> or <c>logits</c>); subsets come from <see cref="SubsetSearchOptions"/>.
/// </summary>
public static class CompletenessMinimality
{
    /// <summary>
    /// For each sampled K ⊆ C, the gap |F(C \ K) − F(M \ K)|; the worst gap is the circuit's incompleteness score.
    /// </summary>
    public static CompletenessResult Completeness(CircuitEvaluator evaluator, Circuit circuit, SubsetSearchOptions options)
    {
        var knockout = new NodeKnockout(evaluator, circuit);
        var nodes = InnerNodes(evaluator.Graph, circuit);
        double scale = Math.Abs(evaluator.CleanMetric - evaluator.AblatedMetric);
        var evaluated = new List<SubsetGap>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        List<SubsetGap> Probe(IReadOnlyList<IReadOnlyList<Node>> subsets, string origin)
        {
            var fresh = subsets.Where(s => seen.Add(Key(s))).ToList();
            var values = knockout.Metric(fresh.SelectMany(s => new[] { ((IReadOnlyCollection<Node>)s, true), ((IReadOnlyCollection<Node>)s, false) }).ToList());
            var gaps = fresh.Select((s, i) =>
            {
                double gap = Math.Abs(values[2 * i] - values[(2 * i) + 1]);
                return new SubsetGap(s, values[2 * i], values[(2 * i) + 1], gap, scale == 0 ? double.NaN : gap / scale, origin);
            }).ToList();
            evaluated.AddRange(gaps);
            return gaps;
        }

        Probe([[]], "empty");
        Probe(nodes.Select(n => (IReadOnlyList<Node>)[n]).ToList(), "single");
        Probe(RandomSubsets(nodes, options), "random");
        var greedy = new List<Node>();
        for (int step = 0; step < Math.Min(options.GreedySteps, nodes.Count); step++)
        {
            var candidates = nodes.Where(n => !greedy.Contains(n)).Select(n => (IReadOnlyList<Node>)Ordered(evaluator.Graph, [.. greedy, n])).ToList();
            var values = knockout.Metric(candidates.SelectMany(s => new[] { ((IReadOnlyCollection<Node>)s, true), ((IReadOnlyCollection<Node>)s, false) }).ToList());
            int best = Enumerable.Range(0, candidates.Count).MaxBy(i => Math.Abs(values[2 * i] - values[(2 * i) + 1]));
            greedy = candidates[best].ToList();
            var chosen = Probe([candidates[best]], "greedy");
            if (chosen.Count == 0)
            {
                // already tried under another origin: still record that greedy reached it
                var earlier = evaluated.First(g => Key(g.Subset) == Key(candidates[best]));
                evaluated.Add(earlier with { Origin = "greedy" });
            }
        }

        var worst = evaluated.MaxBy(g => g.Gap)!;
        return new CompletenessResult(worst, evaluated, options.RandomSubsets, options.GreedySteps);
    }

    /// <summary>
    /// For each circuit node v, the largest drop |F(C \ K) − F(C \ (K ∪ {v}))| over sampled K ⊆ C \ {v} (empty, random, greedy).
    /// Cost: per node about 2·(1 + random subsets + greedy steps · nodes) patched runs, batched.
    /// </summary>
    public static MinimalityResult Minimality(CircuitEvaluator evaluator, Circuit circuit, SubsetSearchOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        var knockout = new NodeKnockout(evaluator, circuit);
        var graph = evaluator.Graph;
        var nodes = InnerNodes(graph, circuit);
        double scale = Math.Abs(evaluator.CleanMetric - evaluator.AblatedMetric);
        var results = new List<NodeMinimality>();
        foreach (var v in nodes)
        {
            var others = nodes.Where(n => n != v).ToList();
            var helpers = new List<IReadOnlyList<Node>> { Array.Empty<Node>() };
            helpers.AddRange(RandomSubsets(others, options with { Seed = options.Seed + graph.IndexOf(v) }));
            var drops = Drops(knockout, graph, helpers, v);
            var best = Enumerable.Range(0, helpers.Count).MaxBy(i => drops[i]);
            (IReadOnlyList<Node> Helper, double Drop) top = (helpers[best], drops[best]);
            var greedy = new List<Node>();
            for (int step = 0; step < Math.Min(options.GreedySteps, others.Count); step++)
            {
                var candidates = others.Where(n => !greedy.Contains(n)).Select(n => (IReadOnlyList<Node>)Ordered(graph, [.. greedy, n])).ToList();
                var candidateDrops = Drops(knockout, graph, candidates, v);
                int i = Enumerable.Range(0, candidates.Count).MaxBy(k => candidateDrops[k]);
                greedy = candidates[i].ToList();
                if (candidateDrops[i] > top.Drop)
                {
                    top = (candidates[i], candidateDrops[i]);
                }
            }

            results.Add(new NodeMinimality(v, top.Drop, scale == 0 ? double.NaN : top.Drop / scale, top.Helper));
            progress?.Report((results.Count, nodes.Count));
        }

        return new MinimalityResult(results, results.Count == 0 ? null : results.MinBy(r => r.Drop));
    }

    /// <summary>The circuit's nodes other than <c>input</c> and <c>logits</c>, in graph order.</summary>
    public static IReadOnlyList<Node> InnerNodes(ComputeGraph graph, Circuit circuit) =>
        circuit.Nodes(graph).Where(n => n.Kind is not (NodeKind.Input or NodeKind.Logits)).ToList();

    private static double[] Drops(NodeKnockout knockout, ComputeGraph graph, IReadOnlyList<IReadOnlyList<Node>> helpers, Node v)
    {
        var requests = helpers.SelectMany(k => new[]
        {
            ((IReadOnlyCollection<Node>)k, true),
            ((IReadOnlyCollection<Node>)Ordered(graph, [.. k, v]), true),
        }).ToList();
        var values = knockout.Metric(requests);
        return helpers.Select((_, i) => Math.Abs(values[2 * i] - values[(2 * i) + 1])).ToArray();
    }

    private static List<IReadOnlyList<Node>> RandomSubsets(IReadOnlyList<Node> nodes, SubsetSearchOptions options)
    {
        var random = new Random(options.Seed);
        var subsets = new List<IReadOnlyList<Node>>();
        for (int i = 0; i < options.RandomSubsets && nodes.Count > 0; i++)
        {
            var subset = nodes.Where(_ => random.NextDouble() < 0.5).ToList();
            if (subset.Count > 0)
            {
                subsets.Add(subset);
            }
        }

        return subsets;
    }

    private static List<Node> Ordered(ComputeGraph graph, IEnumerable<Node> nodes) => nodes.Distinct().OrderBy(graph.IndexOf).ToList();

    private static string Key(IEnumerable<Node> nodes) => string.Join(',', nodes.Select(n => n.Id).OrderBy(s => s, StringComparer.Ordinal));
}
