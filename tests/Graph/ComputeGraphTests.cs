using CircuitFinder.Graph;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace CircuitFinder.Tests.Graph;

public sealed class ComputeGraphTests
{
    // Expected counts from DESIGN.md ("Graph"), the numbers EAP-IG gives for GPT-2 small.
    [Fact]
    public void Gpt2_small_shaped_graph_has_158_nodes_and_32491_edges_with_qkv_inputs_separate()
    {
        var graph = ComputeGraph.Build(GraphGenerators.Gpt2Small, GraphLevel.Qkv);
        Assert.Equal(158, graph.Nodes.Count);
        Assert.Equal(32_491, graph.Edges.Count);
    }

    [Fact]
    public void Gpt2_small_shaped_graph_has_11611_edges_at_head_level()
    {
        var graph = ComputeGraph.Build(GraphGenerators.Gpt2Small, GraphLevel.Head);
        Assert.Equal(158, graph.Nodes.Count);
        Assert.Equal(11_611, graph.Edges.Count);
    }

    [Fact]
    public void Parallel_attn_mlp_graph_has_exactly_the_same_layer_head_to_mlp_edges_fewer()
    {
        var sequential = ComputeGraph.Build(GraphGenerators.Gpt2Small, GraphLevel.Head);
        var parallel = ComputeGraph.Build(GraphGenerators.Gpt2Small with { ParallelAttnMlp = true }, GraphLevel.Head);
        Assert.Equal(sequential.Edges.Count - (12 * 12), parallel.Edges.Count);
        Assert.DoesNotContain(parallel.Edges, e => e.Source.IsHead && e.Destination.IsMlp && e.Source.Layer == e.Destination.Layer);
        Assert.Equal(12 * 12, sequential.Edges.Except(parallel.Edges).Count());
    }

    [Fact]
    public void Logits_of_gpt2_small_read_from_all_157_other_nodes()
    {
        var graph = ComputeGraph.Build(GraphGenerators.Gpt2Small, GraphLevel.Qkv);
        var incoming = graph.IncomingEdges(Node.Logits);
        Assert.Equal(157, incoming.Count);
        Assert.Equal(graph.Nodes.Take(157), incoming.Select(e => e.Source));
    }

    [Theory]
    [InlineData(2, 2, 3, false)]
    [InlineData(2, 2, 3, true)]
    [InlineData(3, 4, 5, false)]
    public void Neuron_level_edge_count_matches_the_formula(int layers, int heads, int dMlp, bool parallel)
    {
        // neurons are sources only and each MLP a destination only: a neuron writes, its MLP's input reads
        var graph = ComputeGraph.Build(new GraphShape(layers, heads, dMlp, false, parallel), GraphLevel.Neuron);
        int perLayer = heads + dMlp;
        int expected = 1 + (layers * perLayer); // into logits: input, every head and every neuron
        for (int l = 0; l < layers; l++)
        {
            int earlier = 1 + (l * perLayer); // input and every source of an earlier layer
            expected += 3 * heads * earlier; // into each head, once per q/k/v
            expected += earlier + (parallel ? 0 : heads); // into the MLP, plus same-layer heads
        }

        Assert.Equal(2 + (layers * (perLayer + 1)), graph.Nodes.Count);
        Assert.Equal(expected, graph.Edges.Count);
        Assert.Equal(expected, ComputeGraph.EdgeCount(graph.Shape, GraphLevel.Neuron));
        Assert.DoesNotContain(graph.Edges, e => e.Destination.Kind == NodeKind.Neuron || e.Source.Kind == NodeKind.Mlp);
    }

    [Fact]
    public void Neuron_level_graph_of_two_layers_two_heads_three_neurons_has_the_hand_counted_edges()
    {
        // Into layer-0 heads: 2 heads x 3 inputs x {input} = 6; m0: {input, 2 heads} = 3; layer-1 heads:
        // 2 x 3 x {input, 2 heads, 3 neurons} = 36; m1: 6 + 2 heads = 8; logits: input, 4 heads, 6 neurons = 11. Total 64.
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Neuron);
        Assert.Equal(14, graph.Nodes.Count);
        Assert.Equal(64, graph.Edges.Count);
        Assert.Equal(["input", "a0.h0", "a0.h1", "m0.n0", "m0.n1", "m0.n2", "a1.h0", "a1.h1", "m1.n0", "m1.n1", "m1.n2"], graph.IncomingEdges(Node.Logits).Select(e => e.Source.Id));
        Assert.Equal(["input", "a0.h0", "a0.h1"], graph.IncomingEdges(Node.Mlp(0)).Select(e => e.Source.Id));
    }

    [Fact]
    public void At_neuron_level_an_MLPs_output_edges_are_its_neurons_and_elsewhere_a_nodes_outgoing_edges()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Neuron);
        Assert.Empty(graph.OutgoingEdges(Node.Mlp(0)));
        Assert.Equal(Enumerable.Range(0, 3).SelectMany(n => graph.OutgoingEdges(Node.Neuron(0, n))).OrderBy(graph.IndexOf), graph.OutputEdges(Node.Mlp(0)));
        Assert.Equal(graph.OutgoingEdges(Node.Head(0, 1)), graph.OutputEdges(Node.Head(0, 1)));
        var qkv = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Qkv);
        Assert.Equal(qkv.OutgoingEdges(Node.Mlp(0)), qkv.OutputEdges(Node.Mlp(0)));
    }

    [Fact]
    public void Nodes_are_listed_input_then_heads_then_mlp_per_layer_then_logits()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Qkv);
        Assert.Equal(
            ["input", "a0.h0", "a0.h1", "m0", "a1.h0", "a1.h1", "m1", "logits"],
            graph.Nodes.Select(n => n.Id));
        var neurons = ComputeGraph.Build(new GraphShape(1, 1, 2, false, false), GraphLevel.Neuron);
        Assert.Equal(["input", "a0.h0", "m0", "m0.n0", "m0.n1", "logits"], neurons.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Attention_only_graph_has_no_mlp_nodes()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 3, 0, AttnOnly: true, ParallelAttnMlp: false), GraphLevel.Neuron);
        Assert.DoesNotContain(graph.Nodes, n => n.IsMlp);
        Assert.Equal(2 + 6, graph.Nodes.Count);
        // heads: layer 0 read input (3 x 3), layer 1 read input and 3 heads (3 x 3 x 4); logits read 7 nodes.
        Assert.Equal(9 + 36 + 7, graph.Edges.Count);
    }

    [Fact]
    public void Every_edge_goes_forward_in_node_order_and_edges_are_distinct_and_sorted()
    {
        foreach (var level in new[] { GraphLevel.Head, GraphLevel.Qkv })
        {
            var graph = ComputeGraph.Build(GraphGenerators.Gpt2Small, level);
            AssertWellOrdered(graph);
        }
    }

    [Property(MaxTest = 60)]
    public Property Edges_are_exactly_those_the_design_rules_allow() =>
        Prop.ForAll(GraphGenerators.Arbitrary(GraphGenerators.Graphs), graph =>
        {
            AssertWellOrdered(graph);
            Assert.Equal(SlowEdges(graph).ToHashSet(), graph.Edges.ToHashSet());
            return true;
        });

    [Property(MaxTest = 60)]
    public Property Incoming_and_outgoing_edges_partition_the_edges_consistently() =>
        Prop.ForAll(GraphGenerators.Arbitrary(GraphGenerators.Graphs), graph =>
        {
            Assert.Equal(graph.Edges, graph.Nodes.SelectMany(graph.IncomingEdges));
            foreach (var node in graph.Nodes)
            {
                Assert.All(graph.IncomingEdges(node), e => Assert.Equal(node, e.Destination));
                Assert.Equal(graph.Edges.Where(e => e.Source == node), graph.OutgoingEdges(node));
            }

            Assert.Equal(graph.Nodes.Where(n => graph.OutgoingEdges(n).Count > 0), graph.Sources);
            Assert.Equal(graph.Nodes.Where(n => graph.IncomingEdges(n).Count > 0), graph.Destinations);
            bool neurons = graph.Level == GraphLevel.Neuron && !graph.Shape.AttnOnly; // m{l} reads, its neurons write
            Assert.Equal(graph.Nodes.Where(n => n.Kind != NodeKind.Logits && !(neurons && n.Kind == NodeKind.Mlp)), graph.Sources);
            Assert.Equal(graph.Nodes.Where(n => n.Kind != NodeKind.Input && n.Kind != NodeKind.Neuron), graph.Destinations);
            return true;
        });

    [Fact]
    public void Index_of_and_contains_answer_minus_one_and_false_for_strangers()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 4, 8, false, false), GraphLevel.Qkv);
        Assert.Equal(0, graph.IndexOf(Node.Input));
        Assert.Equal(graph.Nodes.Count - 1, graph.IndexOf(Node.Logits));
        Assert.Equal(-1, graph.IndexOf(Node.Head(2, 0)));
        Assert.Equal(-1, graph.IndexOf(Node.Neuron(0, 1)));
        Assert.False(graph.Contains(new Edge(Node.Head(0, 0), Node.Head(1, 0), null)));
        Assert.True(graph.Contains(new Edge(Node.Head(0, 0), Node.Head(1, 0), QkvInput.K)));
        Assert.Equal(5, graph.IndexOf(graph.Edges[5]));
        Assert.Throws<ArgumentException>(() => graph.IncomingEdges(Node.Head(7, 0)));
    }

    [Fact]
    public void Quikgraph_view_holds_every_node_and_edge()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 3, false, false), GraphLevel.Qkv);
        var quik = graph.ToQuikGraph();
        Assert.Equal(graph.Nodes.Count, quik.VertexCount);
        Assert.Equal(graph.Edges.Count, quik.EdgeCount);
        Assert.Equal(graph.Edges.ToHashSet(), quik.Edges.Select(e => e.Tag).ToHashSet());
    }

    [Fact]
    public void Building_from_an_impossible_shape_names_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeGraph.Build(new GraphShape(0, 1, 1, false, false), GraphLevel.Head));
        Assert.Contains("NLayers", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ComputeGraph.Build(new GraphShape(1, 1, 0, false, false), GraphLevel.Head));
    }

    private static void AssertWellOrdered(ComputeGraph graph)
    {
        Assert.Equal(graph.Edges.Count, graph.Edges.Distinct().Count());
        Assert.All(graph.Edges, e => Assert.True(graph.IndexOf(e.Source) < graph.IndexOf(e.Destination), e.Id));
        for (int i = 1; i < graph.Edges.Count; i++)
        {
            Assert.True(SortKey(graph, graph.Edges[i - 1]).CompareTo(SortKey(graph, graph.Edges[i])) < 0, graph.Edges[i].Id);
        }
    }

    private static (int Destination, int Input, int Source) SortKey(ComputeGraph graph, Edge e) =>
        (graph.IndexOf(e.Destination), e.Input is { } i ? (int)i : -1, graph.IndexOf(e.Source));

    /// <summary>The edge rules of DESIGN.md, checked pair by pair: the slow obvious version of Build.</summary>
    private static IEnumerable<Edge> SlowEdges(ComputeGraph graph)
    {
        foreach (var s in graph.Nodes)
        {
            foreach (var d in graph.Nodes)
            {
                bool feeds = s.Kind != NodeKind.Logits && d.Kind != NodeKind.Input
                    && d.Kind != NodeKind.Neuron && !(graph.Level == GraphLevel.Neuron && s.Kind == NodeKind.Mlp)
                    && (s.Kind == NodeKind.Input || d.Kind == NodeKind.Logits || s.Layer < d.Layer
                        || (s.Layer == d.Layer && s.IsHead && d.IsMlp && !graph.Shape.ParallelAttnMlp));
                if (!feeds)
                {
                    continue;
                }

                if (d.IsHead && graph.Level != GraphLevel.Head)
                {
                    yield return new Edge(s, d, QkvInput.Q);
                    yield return new Edge(s, d, QkvInput.K);
                    yield return new Edge(s, d, QkvInput.V);
                }
                else
                {
                    yield return new Edge(s, d, null);
                }
            }
        }
    }
}
