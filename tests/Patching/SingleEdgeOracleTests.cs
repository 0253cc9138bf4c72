using CircuitFinder.Graph;
using FsCheck.Xunit;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>A single ablated edge gives the same output as an independent, hook-based path patch of that edge.</summary>
public sealed class SingleEdgeOracleTests
{
    [Property(MaxTest = 30)]
    public void A_single_ablated_edge_equals_the_slow_hook_based_path_patch(int seed)
    {
        using var setup = EdgePatchingInvariantTests.Setup.Create(seed);
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        var edges = setup.Graph.Edges;
        var picked = Enumerable.Range(0, 3).Select(_ => edges[random.Next(edges.Count)]).ToList();
        var engine = setup.Patcher.Evaluate(picked.Select(e => (IReadOnlyCollection<Edge>)[e]).ToList());
        for (int i = 0; i < picked.Count; i++)
        {
            var slow = SlowEdgePatch.Run(setup.Model, setup.Clean, setup.Corrupted, picked[i]);
            EdgePatchingInvariantTests.AssertClose(slow, engine[i], $"edge {picked[i].Id}");
        }
    }

    [Fact]
    public void Every_kind_of_edge_on_a_two_layer_MLP_model_matches_the_slow_path_patch()
    {
        int seed = Enumerable.Range(0, 100).First(s => RandomModels.Config(s) is { AttnOnly: false, NLayers: >= 2 });
        foreach (var level in new[] { GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron })
        {
            using var setup = EdgePatchingInvariantTests.Setup.Create(seed, level: level);
            using var scope = NewDisposeScope();
            var kinds = setup.Graph.Edges
                .GroupBy(e => (e.Source.Kind, e.Destination.Kind, e.Input))
                .Select(g => g.Last())
                .ToList();
            var engine = setup.Patcher.Evaluate(kinds.Select(e => (IReadOnlyCollection<Edge>)[e]).ToList());
            var clean = setup.Patcher.Evaluate([[]])[0];
            int moved = 0;
            for (int i = 0; i < kinds.Count; i++)
            {
                var slow = SlowEdgePatch.Run(setup.Model, setup.Clean, setup.Corrupted, kinds[i]);
                EdgePatchingInvariantTests.AssertClose(slow, engine[i], $"{level} edge {kinds[i].Id}");
                moved += (engine[i] - clean).abs().max().item<float>() > 1e-4 ? 1 : 0;
            }

            Assert.True(moved * 2 >= kinds.Count, $"{level}: only {moved} of {kinds.Count} single-edge patches changed the output");
        }
    }

    [Fact]
    public void An_edge_listed_twice_is_ablated_once()
    {
        using var setup = EdgePatchingInvariantTests.Setup.Create(5);
        using var scope = NewDisposeScope();
        var edge = setup.Graph.Edges[setup.Graph.Edges.Count / 2];
        var logits = setup.Patcher.Evaluate([[edge], [edge, edge]]);
        EdgePatchingInvariantTests.AssertClose(logits[0], logits[1], $"{edge.Id} once vs twice");
    }
}
