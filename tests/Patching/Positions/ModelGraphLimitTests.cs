using CircuitFinder.Graph;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using Xunit;

namespace CircuitFinder.Tests.Patching.Positions;

/// <summary>
/// A graph too large to hold (GPT-2 small at neuron level with an edge per position of 16 tokens: 121 million edges) is
/// refused up front as bad input naming the level; the neuron level alone (7.6 million edges) is built.
/// </summary>
public sealed class ModelGraphLimitTests
{
    [Fact]
    public void A_GPT2_small_shaped_neuron_level_graph_split_by_position_is_refused_naming_the_level_and_the_edge_count()
    {
        var config = new HookedTransformerConfig { NLayers = 12, DModel = 768, NHeads = 12, DHead = 64, DMlp = 3072, DVocab = 50257, NCtx = 1024 };
        var e = Assert.Throws<BadInputException>(() => ModelGraph.Build(config, GraphLevel.Neuron, GraphPositions.All(16)));
        Assert.Contains("--level neuron --positions all", e.Message, StringComparison.Ordinal);
        Assert.Contains("121,099,600 edges", e.Message, StringComparison.Ordinal);
        Assert.Equal(16 * 32_491, ModelGraph.Build(config, GraphLevel.Qkv, GraphPositions.All(16)).Edges.Count);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void A_GPT2_small_shaped_neuron_level_graph_is_built_with_its_neurons_as_sources_only()
    {
        var config = new HookedTransformerConfig { NLayers = 12, DModel = 768, NHeads = 12, DHead = 64, DMlp = 3072, DVocab = 50257, NCtx = 1024 };
        var graph = ModelGraph.Build(config, GraphLevel.Neuron);
        Assert.Equal(7_568_725, graph.Edges.Count);
        Assert.Equal(36_864 + 144 + 1, graph.Sources.Count);
        Assert.Equal(144 + 12 + 1, graph.Destinations.Count);
        Assert.Equal(1 + (11 * (12 + 3072)) + 12, graph.IncomingEdges(Node.Mlp(11)).Count);
    }
}
