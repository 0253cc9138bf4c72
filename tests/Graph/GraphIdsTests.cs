using CircuitFinder.Graph;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace CircuitFinder.Tests.Graph;

public sealed class GraphIdsTests
{
    private static readonly ComputeGraph FourHeads =
        ComputeGraph.Build(new GraphShape(4, 4, 16, AttnOnly: false, ParallelAttnMlp: false), GraphLevel.Qkv);

    [Property(MaxTest = 60)]
    public Property Every_node_and_edge_id_survives_print_then_parse() =>
        Prop.ForAll(GraphGenerators.Arbitrary(GraphGenerators.Graphs), graph =>
            graph.Nodes.All(n => GraphIds.ParseNode(n.Id) == n && graph.ParseNode(n.Id) == n)
            && graph.Edges.All(e => GraphIds.ParseEdge(e.Id) == e && graph.ParseEdge(e.Id) == e));

    [Theory]
    [InlineData("a0.h3->a2.h1<k>", "a0.h3", "a2.h1", QkvInput.K)]
    [InlineData("input->a0.h0<q>", "input", "a0.h0", QkvInput.Q)]
    [InlineData("a1.h0->a3.h2<v>", "a1.h0", "a3.h2", QkvInput.V)]
    [InlineData("m3->logits", "m3", "logits", null)]
    [InlineData("m0.n5->logits", "m0.n5", "logits", null)]
    [InlineData("a1.h0->m1", "a1.h0", "m1", null)]
    [InlineData("a0.h3->a2.h1", "a0.h3", "a2.h1", null)]
    public void Literal_edge_ids_parse_to_their_parts(string id, string source, string destination, QkvInput? input)
    {
        var edge = GraphIds.ParseEdge(id);
        Assert.Equal(new Edge(GraphIds.ParseNode(source), GraphIds.ParseNode(destination), input), edge);
        Assert.Equal(id, edge.Id);
        Assert.Equal(id, edge.ToString());
    }

    [Fact]
    public void Literal_node_ids_parse_and_display_as_transformerlens_names()
    {
        Assert.Equal(Node.Head(2, 1), GraphIds.ParseNode("a2.h1"));
        Assert.Equal(Node.Mlp(3), GraphIds.ParseNode("m3"));
        Assert.Equal(Node.Neuron(3, 17), GraphIds.ParseNode("m3.n17"));
        Assert.Same(Node.Input, GraphIds.ParseNode("input"));
        Assert.Same(Node.Logits, GraphIds.ParseNode("logits"));
        Assert.Equal(
            ["input", "L2H1", "MLP3", "MLP3 N17", "logits"],
            new[] { Node.Input, Node.Head(2, 1), Node.Mlp(3), Node.Neuron(3, 17), Node.Logits }.Select(n => n.DisplayName));
        Assert.Equal(-1, Node.Input.Layer);
        Assert.Equal(int.MaxValue, Node.Logits.Layer);
        Assert.Equal(-1, Node.Mlp(3).Index);
    }

    [Theory]
    [InlineData("a0h3")]
    [InlineData("a-1.h0")]
    [InlineData("a01.h0")]
    [InlineData("A0.h0")]
    [InlineData("m3.h1")]
    [InlineData("")]
    [InlineData(" a0.h0")]
    [InlineData("a99999999999.h0")]
    public void Malformed_node_ids_throw_naming_the_id(string id)
    {
        var e = Assert.Throws<GraphIdException>(() => GraphIds.ParseNode(id));
        Assert.Contains($"'{id}'", e.Message, StringComparison.Ordinal);
        Assert.Equal(id, e.Id);
        Assert.False(GraphIds.TryParseNode(id, out var node));
        Assert.Null(node);
    }

    [Theory]
    [InlineData("a0h3")]
    [InlineData("a-1.h0->a1.h0<q>")]
    [InlineData("m3->")]
    [InlineData("->m3")]
    [InlineData("x->logits")]
    [InlineData("a0.h0->a1.h0<z>")]
    [InlineData("a0.h0->a1.h0<q")]
    [InlineData("a0.h0->m1<q>")]
    [InlineData("logits->m1")]
    [InlineData("a0.h0->input")]
    [InlineData("a0.h0->a1.h0->m2")]
    [InlineData("a0.h0 -> a1.h0<q>")]
    public void Malformed_edge_ids_throw_a_format_exception_naming_the_id(string id)
    {
        var e = Assert.Throws<GraphIdException>(() => GraphIds.ParseEdge(id));
        Assert.IsAssignableFrom<FormatException>(e);
        Assert.Contains($"'{id}'", e.Message, StringComparison.Ordinal);
        Assert.False(GraphIds.TryParseEdge(id, out var edge));
        Assert.Null(edge);
        Assert.Throws<GraphIdException>(() => FourHeads.ParseEdge(id));
    }

    [Fact]
    public void Edge_into_a_head_that_does_not_exist_suggests_a_valid_edge()
    {
        var e = Assert.Throws<GraphIdException>(() => FourHeads.ParseEdge("a0.h3->a2.h9<k>"));
        Assert.Contains("'a0.h3->a2.h9<k>'", e.Message, StringComparison.Ordinal);
        Assert.Equal("a0.h3->a2.h3<k>", e.Suggestion);
        Assert.Contains("did you mean 'a0.h3->a2.h3<k>'?", e.Message, StringComparison.Ordinal);
        Assert.True(FourHeads.Contains(GraphIds.ParseEdge(e.Suggestion!)));
    }

    [Fact]
    public void Head_that_does_not_exist_suggests_the_nearest_head()
    {
        var e = Assert.Throws<GraphIdException>(() => FourHeads.ParseNode("a2.h7"));
        Assert.Equal("a2.h3", e.Suggestion);
        Assert.Contains("did you mean 'a2.h3'?", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a2h1", "a2.h1")]
    [InlineData("a9.h1", "a3.h1")]
    [InlineData("m2.n3", "m2")]
    [InlineData("mlp2", "m2")]
    [InlineData("logit", "logits")]
    public void Misspelt_node_ids_suggest_a_node_of_the_graph(string id, string suggestion)
    {
        var e = Assert.Throws<GraphIdException>(() => FourHeads.ParseNode(id));
        Assert.Equal(suggestion, e.Suggestion);
    }

    [Fact]
    public void Edge_that_parses_but_runs_backwards_is_rejected_with_a_valid_suggestion()
    {
        Assert.True(GraphIds.TryParseEdge("a2.h1->a0.h0<q>", out _));
        var e = Assert.Throws<GraphIdException>(() => FourHeads.ParseEdge("a2.h1->a0.h0<q>"));
        Assert.Contains("does not feed", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Suggestion);
        Assert.True(FourHeads.Contains(GraphIds.ParseEdge(e.Suggestion!)));
    }

    [Fact]
    public void Edges_between_heads_of_one_layer_and_missing_qkv_inputs_are_rejected()
    {
        Assert.Throws<GraphIdException>(() => FourHeads.ParseEdge("a1.h0->a1.h2<q>"));
        var missingInput = Assert.Throws<GraphIdException>(() => FourHeads.ParseEdge("a0.h0->a1.h0"));
        Assert.Equal("a0.h0->a1.h0<q>", missingInput.Suggestion);
        var headLevel = ComputeGraph.Build(FourHeads.Shape, GraphLevel.Head);
        var extraInput = Assert.Throws<GraphIdException>(() => headLevel.ParseEdge("a0.h0->a1.h0<k>"));
        Assert.Equal("a0.h0->a1.h0", extraInput.Suggestion);
        Assert.Throws<GraphIdException>(() => headLevel.ParseEdge("a0.h0->m0.n1"));
    }

    [Fact]
    public void Nodes_and_edges_refuse_impossible_parts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Node.Head(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Node.Neuron(0, -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Node(NodeKind.Mlp, 1, 4));
        Assert.Throws<ArgumentException>(() => new Edge(Node.Logits, Node.Mlp(0), null));
        Assert.Throws<ArgumentException>(() => new Edge(Node.Input, Node.Input, null));
        Assert.Throws<ArgumentException>(() => new Edge(Node.Input, Node.Mlp(0), QkvInput.Q));
    }
}
