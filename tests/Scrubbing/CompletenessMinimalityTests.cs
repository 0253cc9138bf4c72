using CircuitFinder.Graph;
using CircuitFinder.Scrubbing.Verification;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class CompletenessMinimalityTests
{
    [Fact]
    public void Given_the_planted_ground_truth_then_it_is_complete_and_every_node_is_needed()
    {
        using var setup = PlantedSetup.Create("planted-induction");
        var options = new SubsetSearchOptions { RandomSubsets = 4, GreedySteps = 2 };
        var completeness = CompletenessMinimality.Completeness(setup.Evaluator, setup.Truth, options);
        Assert.True(completeness.Worst.GapFraction < 0.05, $"worst gap {completeness.Worst.GapFraction} removing {string.Join(",", completeness.Worst.Subset)}");
        Assert.Contains(completeness.Evaluated, g => g.Origin == "greedy");
        Assert.Contains(completeness.Evaluated, g => g.Origin == "empty");

        var minimality = CompletenessMinimality.Minimality(setup.Evaluator, setup.Truth, options);
        Assert.Equal(["a0.h0", "a1.h0"], minimality.Nodes.Select(n => n.Node.Id));
        Assert.All(minimality.Nodes, n => Assert.True(n.DropFraction > 0.5, $"{n.Node.Id} drop {n.DropFraction}"));
    }

    [Fact]
    public void Given_a_circuit_missing_the_previous_token_head_then_completeness_finds_a_large_gap()
    {
        using var setup = PlantedSetup.Create("planted-induction");
        var partial = new Circuit(setup.Truth.Edges.Where(e => e.Source != Node.Head(0, 0) && e.Destination != Node.Head(0, 0)));
        var completeness = CompletenessMinimality.Completeness(setup.Evaluator, partial, new SubsetSearchOptions { RandomSubsets = 2, GreedySteps = 1 });
        Assert.True(completeness.Worst.GapFraction > 0.3, $"worst gap {completeness.Worst.GapFraction}");
    }

    [Fact]
    public void Given_a_circuit_with_a_distractor_head_then_minimality_names_it_as_the_least_needed_node()
    {
        using var setup = PlantedSetup.Create("planted-induction");
        // a0.h1 writes only into the junk block, which nothing on the way to the logits reads
        var extra = setup.Truth.Union(new Circuit([setup.Graph.ParseEdge("input->a0.h1<v>"), setup.Graph.ParseEdge("a0.h1->logits")]));
        var minimality = CompletenessMinimality.Minimality(setup.Evaluator, extra, new SubsetSearchOptions { RandomSubsets = 4, GreedySteps = 2 });
        Assert.Equal("a0.h1", minimality.Least!.Node.Id);
        Assert.True(minimality.Least.DropFraction < 0.01, $"drop {minimality.Least.DropFraction}");
    }
}
