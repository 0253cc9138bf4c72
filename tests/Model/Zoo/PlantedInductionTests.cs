using CircuitFinder.Graph;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Patching.Ablations;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Zoo;

/// <summary>
/// The planted induction model does its task and its circuit is exactly the ground truth: every ground-truth edge
/// matters on its own, and no other edge does. The metric is the correct token's logit at a read position in the
/// second repeat, averaged over 64 prompts; an edge's cost is the drop it causes as a fraction of the drop when every
/// edge is ablated.
/// </summary>
public sealed class PlantedInductionTests(ITestOutputHelper output)
{
    private const int Prompts = 64;
    private const double GroundTruthCost = 0.5;
    private const double OtherEdgeCost = 0.01;

    private static readonly PlantedInduction Zoo = new();

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    public void Given_repeated_random_sequences_then_every_second_repeat_token_is_predicted(int length)
    {
        using var model = Zoo.Create();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prompts = InductionPrompts.Create(Prompts, length, seed: length);
        var tokens = prompts.TokenTensor(); // [b, 2L+1]
        var predicted = model.Forward(tokens).argmax(-1); // [b, 2L+1]
        // Positions L+1 .. 2L-1 predict tokens L+2 .. 2L.
        var secondRepeat = predicted.narrow(1, length + 1, length - 1); // [b, L-1]
        var expected = tokens.narrow(1, length + 2, length - 1); // [b, L-1]
        double accuracy = secondRepeat.eq(expected).to(ScalarType.Float32).mean().item<float>();
        output.WriteLine($"length {length}: accuracy {accuracy:P2}");
        Assert.True(accuracy >= 0.99, $"accuracy {accuracy:P2} on {Prompts} sequences of length {length}");
    }

    [Fact]
    public void Ground_truth_edges_name_edges_of_the_qkv_graph_and_survive_pruning()
    {
        var graph = Graph();
        var circuit = new Circuit(Zoo.GroundTruthEdges.Select(graph.ParseEdge));
        Assert.Equal(Zoo.GroundTruthEdges.Count, circuit.Count);
        Assert.Equal(circuit, circuit.Prune(graph));
        Assert.True(Zoo.HasGroundTruth);
        Assert.All(PlantedInduction.PositionalEdges, e => Assert.Contains(e, Zoo.GroundTruthEdges));
    }

    [Fact]
    public void Resample_ablating_a_token_carrying_ground_truth_edge_costs_at_least_half_the_gap()
    {
        var costs = Costs(new ResampleAblation());
        foreach (var id in Zoo.GroundTruthEdges.Except(PlantedInduction.PositionalEdges))
        {
            Assert.True(costs[id] >= GroundTruthCost, $"{id}: resample ablation costs {costs[id]:P1} of the gap");
        }

        // Clean and corrupted prompts share their positions, so resample ablation cannot see the positional edges.
        foreach (var id in PlantedInduction.PositionalEdges)
        {
            Assert.True(Math.Abs(costs[id]) < OtherEdgeCost, $"{id}: resample ablation costs {costs[id]:P1} of the gap");
        }
    }

    [Fact]
    public void Zero_ablating_any_ground_truth_edge_costs_at_least_half_the_gap()
    {
        var costs = Costs(new ZeroAblation());
        foreach (var id in Zoo.GroundTruthEdges)
        {
            Assert.True(costs[id] >= GroundTruthCost, $"{id}: zero ablation costs {costs[id]:P1} of the gap");
        }
    }

    [Theory]
    [InlineData("resample")]
    [InlineData("zero")]
    public void Ablating_any_edge_outside_the_ground_truth_costs_less_than_one_percent(string ablation)
    {
        var costs = Costs(AblationCatalog.Create(ablation));
        var others = Graph().Edges.Select(e => e.Id).Except(Zoo.GroundTruthEdges).ToList();
        Assert.Equal(Graph().Edges.Count - Zoo.GroundTruthEdges.Count, others.Count);
        foreach (var id in others)
        {
            Assert.True(Math.Abs(costs[id]) < OtherEdgeCost, $"{id}: {ablation} ablation costs {costs[id]:P2} of the gap");
        }
    }

    private static ComputeGraph Graph() => EdgeCosts.Graph(Zoo.Config);

    /// <summary>Each edge's cost on the correct token's logit at the read positions.</summary>
    private Dictionary<string, double> Costs(IAblation ablation)
    {
        using var model = Zoo.Create();
        using var scope = NewDisposeScope();
        var clean = InductionPrompts.Create(Prompts, 10, seed: 1);
        var corrupted = InductionPrompts.Create(Prompts, 10, seed: 2);
        var answers = clean.AnswerTensor().view(1, Prompts, 1); // [1, b, 1]
        var (costs, cleanValue, ablated) = EdgeCosts.Measure(
            model,
            clean.TokenTensor(),
            clean.ReadTensor(),
            corrupted.TokenTensor(),
            ablation,
            logits => logits.gather(2, answers.expand(logits.shape[0], Prompts, 1)).squeeze(2).mean([1L]), // [sets]
            output);
        Assert.True(cleanValue - ablated > PlantedInduction.LogitScale / 2, $"{ablation.Name}: clean {cleanValue:F3}, every edge ablated {ablated:F3}");
        return costs;
    }
}
