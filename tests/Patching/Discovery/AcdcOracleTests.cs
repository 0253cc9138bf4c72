using CircuitFinder.Graph;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Discovery;

/// <summary>
/// ACDC against a brute-force reference written the slow obvious way: the visiting order built here from DESIGN.md's
/// words, every edge tested (no shortcut for dead destinations), each test a fresh evaluation of the whole ablated set.
/// </summary>
public sealed class AcdcOracleTests
{
    [Theory]
    [InlineData(GraphLevel.Qkv, 0.002)]
    [InlineData(GraphLevel.Head, 0.005)]
    public void ACDC_matches_the_brute_force_reference_edge_for_edge(GraphLevel level, double tau)
    {
        int seed = Enumerable.Range(0, 200).First(s => RandomModels.Config(s) is { AttnOnly: false, NLayers: 2 });
        var config = RandomModels.Config(seed);
        using var model = RandomModels.Model(config, seed);
        using var scope = NewDisposeScope();
        var graph = RandomModels.Graph(config, level);
        var clean = RandomModels.Tokens(seed, 4, 6, config.DVocab);
        var corrupted = RandomModels.Tokens(seed + 1, 4, 6, config.DVocab);
        var input = new PatchingInput(clean, ReadPositions: full([4L], 5L, ScalarType.Int64));
        using var patcher = new EdgePatcher(model, graph, input, new ResampleAblation(), corrupted);
        var answers = tensor(new long[] { 1, 2, 3, 4 }).view(4, 1);
        var wrong = tensor(new long[] { 0, 0, 0, 0 }).view(4, 1);
        var context = new DiscoveryContext(model, patcher, new KlDivergenceMetric(), answers, wrong, new DiscoveryOptions { Threshold = tau });

        var result = new Acdc().Discover(context);

        var ablated = new HashSet<Edge>();
        double current = context.MetricOf([ablated.ToList()])[0];
        foreach (var edge in ReferenceOrder(graph))
        {
            double with = context.MetricOf([ablated.Append(edge).ToList()])[0];
            if (with - current < tau) // KL: larger is worse
            {
                ablated.Add(edge);
                current = with;
            }
        }

        var reference = new Circuit(graph.Edges.Where(e => !ablated.Contains(e))).Prune(graph);
        Assert.InRange(reference.Count, 1, graph.Edges.Count - 1); // a non-trivial circuit, or the test proves little
        Assert.Equal(reference, result.Circuit);
    }

    /// <summary>logits; then for l = L−1..0: m{l}, then a{l}.h{H−1} … a{l}.h0, inputs q, k, v; sources in reverse order.</summary>
    private static IEnumerable<Edge> ReferenceOrder(ComputeGraph graph)
    {
        var shape = graph.Shape;
        var destinations = new List<Node> { Node.Logits };
        for (int l = shape.NLayers - 1; l >= 0; l--)
        {
            if (!shape.AttnOnly)
            {
                destinations.Add(Node.Mlp(l));
            }

            for (int h = shape.NHeads - 1; h >= 0; h--)
            {
                destinations.Add(Node.Head(l, h));
            }
        }

        var sourceRank = graph.Nodes.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        foreach (var destination in destinations)
        {
            var inputs = destination.Kind == NodeKind.AttentionHead && graph.Level != GraphLevel.Head
                ? new QkvInput?[] { QkvInput.Q, QkvInput.K, QkvInput.V }
                : new QkvInput?[] { null };
            foreach (var input in inputs)
            {
                foreach (var edge in graph.Edges.Where(e => e.Destination == destination && e.Input == input).OrderByDescending(e => sourceRank[e.Source]))
                {
                    yield return edge;
                }
            }
        }
    }
}
