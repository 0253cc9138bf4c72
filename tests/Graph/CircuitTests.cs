using CircuitFinder.Graph;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace CircuitFinder.Tests.Graph;

public sealed class CircuitTests
{
    // 2 layers, 2 heads, MLPs, q/k/v separate: input, a0.h0, a0.h1, m0, a1.h0, a1.h1, m1, logits.
    private static readonly ComputeGraph Small = ComputeGraph.Build(new GraphShape(2, 2, 4, false, false), GraphLevel.Qkv);

    [Fact]
    public void Circuits_with_the_same_edges_in_any_order_are_equal_and_hash_alike()
    {
        var edges = Small.Edges.Where((_, i) => i % 3 == 0).ToList();
        var forward = new Circuit(edges);
        var backward = new Circuit(Enumerable.Reverse(edges).Concat(edges.Take(2)));
        Assert.Equal(forward, backward);
        Assert.True(forward == backward);
        Assert.False(forward != backward);
        Assert.Equal(forward.GetHashCode(), backward.GetHashCode());
        Assert.Equal(edges.Count, backward.Count);
        Assert.NotEqual(forward, new Circuit(edges.Skip(1)));
        Assert.Equal(Circuit.Empty, new Circuit([]));
        Assert.Single(new HashSet<Circuit> { forward, backward });
    }

    [Fact]
    public void Union_intersect_and_except_behave_as_sets()
    {
        var a = new Circuit(Small.Edges.Take(10));
        var b = new Circuit(Small.Edges.Skip(5).Take(10));
        Assert.Equal(new Circuit(Small.Edges.Take(15)), a.Union(b));
        Assert.Equal(new Circuit(Small.Edges.Skip(5).Take(5)), a.Intersect(b));
        Assert.Equal(new Circuit(Small.Edges.Take(5)), a.Except(b));
        Assert.Equal(a, a.Union(Circuit.Empty));
        Assert.Equal(Circuit.Empty, a.Intersect(Circuit.Empty));
        Assert.Equal(Circuit.Empty, a.Except(Circuit.Full(Small)));
        Assert.True(a.Contains(Small.Edges[0]));
        Assert.False(a.Contains(Small.Edges[10]));
    }

    [Fact]
    public void Nodes_and_ordered_edges_come_in_graph_order()
    {
        var circuit = Parse(
            "a1.h0->logits", "input->a1.h0<v>", "a0.h1->a1.h0<k>", "input->a0.h1<q>");
        Assert.Equal(["input", "a0.h1", "a1.h0", "logits"], circuit.Nodes(Small).Select(n => n.Id));
        Assert.Equal(
            ["input->a0.h1<q>", "a0.h1->a1.h0<k>", "input->a1.h0<v>", "a1.h0->logits"],
            circuit.Ordered(Small).Select(e => e.Id));
    }

    [Fact]
    public void Prune_drops_a_head_whose_output_never_reaches_logits()
    {
        var kept = Parse("input->a0.h0<q>", "a0.h0->logits");
        var deadEnd = Parse("input->a0.h1<k>", "a0.h1->a1.h0<v>", "input->m0");
        Assert.Equal(kept, kept.Union(deadEnd).Prune(Small));
    }

    [Fact]
    public void Prune_drops_a_head_that_nothing_feeds()
    {
        var kept = Parse("input->a1.h1<q>", "a1.h1->m1", "m1->logits");
        var unfed = Parse("a0.h0->a1.h1<k>", "a0.h0->m1", "a0.h1->logits");
        Assert.Equal(kept, kept.Union(unfed).Prune(Small));
    }

    [Fact]
    public void Prune_of_a_circuit_without_any_input_to_logits_path_is_empty()
    {
        Assert.Equal(Circuit.Empty, Parse("input->a0.h0<q>", "a1.h0->logits").Prune(Small));
        Assert.Equal(Circuit.Empty, Circuit.Empty.Prune(Small));
    }

    [Fact]
    public void Prune_leaves_the_full_circuit_unchanged()
    {
        foreach (var level in new[] { GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron })
        {
            var graph = ComputeGraph.Build(new GraphShape(3, 2, 3, false, true), level);
            Assert.Equal(Circuit.Full(graph), Circuit.Full(graph).Prune(graph));
        }
    }

    [Property(MaxTest = 100)]
    public Property Prune_is_idempotent_and_keeps_a_subset() =>
        Prop.ForAll(GraphGenerators.Arbitrary(GraphGenerators.Circuits), sample =>
        {
            var (graph, circuit) = sample;
            var pruned = circuit.Prune(graph);
            return pruned.Prune(graph) == pruned && pruned.Edges.IsSubsetOf(circuit.Edges);
        });

    [Property(MaxTest = 100)]
    public Property Prune_keeps_exactly_the_edges_a_slow_fixpoint_keeps() =>
        Prop.ForAll(GraphGenerators.Arbitrary(GraphGenerators.Circuits), sample =>
        {
            var (graph, circuit) = sample;
            return circuit.Prune(graph) == SlowPrune(circuit);
        });

    [Fact]
    public void Top_k_takes_the_largest_absolute_scores_and_breaks_ties_by_graph_order()
    {
        var e = Small.Edges;
        var scores = new Dictionary<Edge, double>
        {
            [e[9]] = 0.5, [e[3]] = -0.5, [e[7]] = 0.5, [e[1]] = 0.1, [e[20]] = -2.0, [e[21]] = double.NaN,
        };
        Assert.Equal(new Circuit([e[20], e[3]]), Circuit.TopK(Small, scores, 2));
        Assert.Equal(new Circuit([e[20], e[3], e[7]]), Circuit.TopK(Small, scores, 3));
        Assert.Equal(new Circuit([e[9], e[7]]), Circuit.TopK(Small, scores, 2, byAbsoluteValue: false));
        Assert.Equal(new Circuit([e[9], e[7], e[1]]), Circuit.TopK(Small, scores, 3, byAbsoluteValue: false));
        Assert.Equal(5, Circuit.TopK(Small, scores, 100).Count);
        Assert.Equal(Circuit.Empty, Circuit.TopK(Small, scores, 0));
    }

    [Fact]
    public void Top_k_is_the_same_whatever_order_the_scores_come_in()
    {
        var scores = Small.Edges.Select((edge, i) => (edge, score: (double)(i % 4))).ToList();
        var forward = Circuit.TopK(Small, scores.ToDictionary(s => s.edge, s => s.score), 7);
        var backward = Circuit.TopK(Small, Enumerable.Reverse(scores).ToDictionary(s => s.edge, s => s.score), 7);
        Assert.Equal(forward, backward);
        Assert.Equal(Small.Edges.Where((_, i) => i % 4 == 3).Take(7), forward.Ordered(Small));
    }

    [Fact]
    public void Threshold_keeps_scores_at_or_above_it()
    {
        var e = Small.Edges;
        var scores = new Dictionary<Edge, double> { [e[0]] = 0.5, [e[1]] = -0.5, [e[2]] = 0.49, [e[3]] = double.NaN };
        Assert.Equal(new Circuit([e[0], e[1]]), Circuit.Threshold(Small, scores, 0.5));
        Assert.Equal(new Circuit([e[0]]), Circuit.Threshold(Small, scores, 0.5, byAbsoluteValue: false));
        Assert.Equal(new Circuit([e[0], e[1], e[2]]), Circuit.Threshold(Small, scores, -1, byAbsoluteValue: false));
    }

    [Fact]
    public void Scores_for_edges_outside_the_graph_are_refused()
    {
        var stranger = new Edge(Node.Head(5, 0), Node.Logits, null);
        var scores = new Dictionary<Edge, double> { [stranger] = 1 };
        var error = Assert.Throws<ArgumentException>(() => Circuit.TopK(Small, scores, 1));
        Assert.Contains("a5.h0->logits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Circuit([stranger]).Prune(Small));
    }

    private static Circuit Parse(params string[] ids) => new(ids.Select(Small.ParseEdge));

    /// <summary>Repeatedly drop edges whose source has no incoming edge (and is not input) or whose destination has
    /// no outgoing edge (and is not logits), until nothing changes.</summary>
    private static Circuit SlowPrune(Circuit circuit)
    {
        var edges = circuit.Edges.ToHashSet();
        bool changed = true;
        while (changed)
        {
            int before = edges.Count;
            // at neuron level a neuron is fed through its MLP's input, and an MLP's input feeds on through its neurons
            edges.RemoveWhere(e =>
                (e.Source.Kind != NodeKind.Input && !edges.Any(x => x.Destination == e.Source || (e.Source.Kind == NodeKind.Neuron && x.Destination == Node.Mlp(e.Source.Layer))))
                || (e.Destination.Kind != NodeKind.Logits && !edges.Any(x => x.Source == e.Destination || (e.Destination.Kind == NodeKind.Mlp && x.Source.Kind == NodeKind.Neuron && x.Source.Layer == e.Destination.Layer))));
            changed = edges.Count != before;
        }

        return new Circuit(edges);
    }
}
