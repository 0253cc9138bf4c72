using CircuitFinder.Graph;
using CircuitFinder.Scrubbing.Verification;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class GroundTruthComparisonTests
{
    private static readonly string[] Truth =
        ["input->a0.h0<q>", "input->a0.h0<k>", "input->a0.h0<v>", "input->a1.h0<q>", "a0.h0->a1.h0<k>", "input->a1.h0<v>", "a1.h0->logits"];

    private static ComputeGraph Graph() => ComputeGraph.Build(new GraphShape(2, 2, 0, true, false), GraphLevel.Qkv);

    [Fact]
    public void Given_the_ground_truth_against_itself_then_precision_recall_and_AUROC_are_one_at_edge_and_node_level()
    {
        var graph = Graph();
        var truth = new Circuit(Truth.Select(graph.ParseEdge));
        foreach (var scores in new[] { GroundTruthComparison.Edges(graph, truth, truth, null), GroundTruthComparison.Nodes(graph, truth, truth, null) })
        {
            Assert.Equal(1.0, scores.Precision);
            Assert.Equal(1.0, scores.Recall);
            Assert.Equal(1.0, scores.Auroc);
        }
    }

    [Fact]
    public void Given_a_hand_made_wrong_circuit_then_the_scores_are_the_hand_computed_ones()
    {
        var graph = Graph(); // 29 edges
        var truth = new Circuit(Truth.Select(graph.ParseEdge));
        // drop two truth edges, add one wrong edge: TP 5, FP 1, FN 2, TN 21
        var wrong = new Circuit(Truth.Skip(2).Append("a0.h1->a1.h0<q>").Select(graph.ParseEdge));
        var edges = GroundTruthComparison.Edges(graph, wrong, truth, null);
        Assert.Equal((5, 1, 2, 21), (edges.TruePositives, edges.FalsePositives, edges.FalseNegatives, edges.TrueNegatives));
        Assert.Equal(5.0 / 6, edges.Precision, 12);
        Assert.Equal(5.0 / 7, edges.Recall, 12);
        // membership as score: 5·21 wins, 5·1 + 2·21 ties (half each), out of 7·22 pairs
        Assert.Equal((105 + (47 * 0.5)) / 154, edges.Auroc, 12);
        // nodes: the wrong circuit touches input, a0.h0, a0.h1, a1.h0, logits; the truth input, a0.h0, a1.h0, logits (graph: 6 nodes)
        var nodes = GroundTruthComparison.Nodes(graph, wrong, truth, null);
        Assert.Equal(4.0 / 5, nodes.Precision, 12);
        Assert.Equal(1.0, nodes.Recall);
    }

    [Fact]
    public void Given_scores_that_rank_every_truth_edge_first_then_AUROC_is_one_even_for_a_small_circuit()
    {
        var graph = Graph();
        var truth = new Circuit(Truth.Select(graph.ParseEdge));
        var scores = graph.Edges.ToDictionary(e => e, e => truth.Contains(e) ? 2.0 + graph.IndexOf(e) : -0.5);
        var small = new Circuit(Truth.Take(3).Select(graph.ParseEdge));
        var result = GroundTruthComparison.Edges(graph, small, truth, scores);
        Assert.Equal(1.0, result.Auroc);
        Assert.Equal(3.0 / 7, result.Recall, 12);
        Assert.True(result.AurocFromScores);
    }

    [Fact]
    public void Given_ties_and_a_reversed_ranking_then_AUROC_is_a_half_and_zero()
    {
        Assert.Equal(0.5, GroundTruthComparison.Auroc([1, 1, 1, 1], [true, false, true, false]));
        Assert.Equal(0.0, GroundTruthComparison.Auroc([0, 1, 2, 3], [true, true, false, false]));
        Assert.True(double.IsNaN(GroundTruthComparison.Auroc([1, 2], [true, true])));
    }
}
