using CircuitFinder.Graph;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace CircuitFinder.Tests.Graph;

/// <summary>
/// Positional graphs: every edge once per position group, ids <c>{edge}@{label}</c> that print and parse back, and
/// unknown or missing positions refused with the nearest valid edge id.
/// </summary>
public sealed class GraphPositionsTests
{
    private static readonly Gen<GraphPositions> Positions =
        Gen.OneOf(
            Gen.Choose(1, 5).Select(GraphPositions.All),
            Gen.Elements<IReadOnlyList<string>>(["IO", "S1", "S2", "end"], ["end"], ["first_repeat_start", "name_2"]).Select(GraphPositions.OfLabels));

    [Property(MaxTest = 60)]
    public Property Every_positional_edge_id_survives_print_then_parse() =>
        Prop.ForAll(
            GraphGenerators.Arbitrary(from shape in GraphGenerators.Shapes
                                      from level in Gen.Elements(GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron)
                                      from positions in Positions
                                      select ComputeGraph.Build(shape, level, positions)),
            graph => graph.Edges.All(e => GraphIds.ParseEdge(e.Id) == e && graph.ParseEdge(e.Id) == e));

    [Property(MaxTest = 60)]
    public Property The_edge_count_without_building_is_the_built_graphs() =>
        Prop.ForAll(
            GraphGenerators.Arbitrary(from shape in GraphGenerators.Shapes
                                      from level in Gen.Elements(GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron)
                                      from positions in Positions
                                      select (shape, level, positions)),
            x => ComputeGraph.EdgeCount(x.shape, x.level, x.positions.Count) == ComputeGraph.Build(x.shape, x.level, x.positions).Edges.Count);

    [Fact]
    public void A_GPT2_small_shaped_graph_has_the_documented_edge_counts()
    {
        Assert.Equal(32_491, ComputeGraph.EdgeCount(GraphGenerators.Gpt2Small, GraphLevel.Qkv));
        Assert.Equal(11_611, ComputeGraph.EdgeCount(GraphGenerators.Gpt2Small, GraphLevel.Head));
        Assert.Equal(16 * 32_491, ComputeGraph.EdgeCount(GraphGenerators.Gpt2Small, GraphLevel.Qkv, 16));
        Assert.Equal(7_568_725, ComputeGraph.EdgeCount(GraphGenerators.Gpt2Small, GraphLevel.Neuron));
        Assert.Equal(16L * 7_568_725, ComputeGraph.EdgeCount(GraphGenerators.Gpt2Small, GraphLevel.Neuron, 16));
    }

    [Fact]
    public void A_positional_graph_holds_every_edge_once_per_group_with_the_groups_innermost()
    {
        var shape = new GraphShape(2, 2, 3, AttnOnly: false, ParallelAttnMlp: false);
        var plain = ComputeGraph.Build(shape, GraphLevel.Qkv);
        var positional = ComputeGraph.Build(shape, GraphLevel.Qkv, GraphPositions.OfLabels(["IO", "S2", "end"]));
        Assert.Equal(plain.Edges.Count * 4, positional.Edges.Count);
        Assert.Equal(["IO", "S2", "end", "other"], positional.Positions!.Labels);
        Assert.Equal(plain.Edges.SelectMany(e => positional.Positions.Labels.Select(l => e with { Position = l })), positional.Edges);
        Assert.Equal(PositionMode.Labels, positional.PositionMode);
    }

    [Theory]
    [InlineData("a0.h1->a1.h0<k>@S2", "a0.h1", "a1.h0", QkvInput.K, "S2")]
    [InlineData("a1.h1->logits@end", "a1.h1", "logits", null, "end")]
    [InlineData("input->m0@other", "input", "m0", null, "other")]
    public void Literal_positional_ids_parse_to_their_parts(string id, string source, string destination, QkvInput? input, string position)
    {
        var edge = GraphIds.ParseEdge(id);
        Assert.Equal((source, destination, input, position), (edge.Source.Id, edge.Destination.Id, edge.Input, edge.Position));
        Assert.Equal(id, edge.Id);
    }

    [Fact]
    public void An_unknown_label_is_refused_with_the_nearest_valid_one()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Qkv, GraphPositions.OfLabels(["IO", "S1", "S2", "end"]));
        var e = Assert.Throws<GraphIdException>(() => graph.ParseEdge("a0.h1->a1.h0<k>@ends"));
        Assert.Contains("unknown position 'ends'", e.Message);
        Assert.Equal("a0.h1->a1.h0<k>@end", e.Suggestion);
        var missing = Assert.Throws<GraphIdException>(() => graph.ParseEdge("a0.h1->a1.h0<k>"));
        Assert.Contains("name their position group", missing.Message);
        Assert.NotNull(missing.Suggestion);
        Assert.True(graph.Contains(GraphIds.ParseEdge(missing.Suggestion!)));
        var plain = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Qkv);
        var extra = Assert.Throws<GraphIdException>(() => plain.ParseEdge("a0.h1->a1.h0<k>@S2"));
        Assert.Equal("a0.h1->a1.h0<k>", extra.Suggestion);
    }

    [Theory]
    [InlineData("a0.h1->a1.h0<k>@")]
    [InlineData("a0.h1->a1.h0<k>@S-2")]
    [InlineData("a0.h1->a1.h0@S2<k>")]
    public void Malformed_positions_throw_naming_the_id(string id)
    {
        var e = Assert.Throws<GraphIdException>(() => GraphIds.ParseEdge(id));
        Assert.Contains(id, e.Message);
    }

    [Fact]
    public void Position_modes_are_inferred_from_ids()
    {
        Assert.Equal(PositionMode.None, GraphLevels.PositionsOf(["a0.h0->logits"]));
        Assert.Equal(PositionMode.All, GraphLevels.PositionsOf(["a0.h0->logits@3", "input->a0.h0<q>@0"]));
        Assert.Equal(PositionMode.Labels, GraphLevels.PositionsOf(["a0.h0->logits@end"]));
        Assert.Equal(GraphLevel.Head, GraphLevels.Of(["a0.h0->a1.h0@S2"]));
        Assert.Equal(GraphLevel.Qkv, GraphLevels.Of(["a0.h0->a1.h0<q>@S2"]));
    }
}
