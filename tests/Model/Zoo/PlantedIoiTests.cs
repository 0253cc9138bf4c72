using CircuitFinder.Graph;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Patching.Ablations;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Zoo;

/// <summary>
/// The planted IOI model names the indirect object, and its circuit is exactly the ground truth. Clean prompts are
/// ABBA/BABA (S repeated), corrupted prompts the ABC form with three other names (no duplicate); the metric is the
/// logit difference IO − S at the end, averaged over 64 prompts.
/// </summary>
public sealed class PlantedIoiTests(ITestOutputHelper output)
{
    private const int Prompts = 64;
    private const double GroundTruthCost = 0.5;
    private const double OtherEdgeCost = 0.01;

    private static readonly PlantedIoi Zoo = new();

    [Fact]
    public void Given_abba_and_baba_prompts_then_the_indirect_object_is_predicted()
    {
        using var model = Zoo.Create();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (clean, _, io, _) = Data(seed: 3);
        var predicted = model.Forward(clean)[.., PlantedIoi.EndPosition].argmax(-1); // [b]
        double accuracy = predicted.eq(io).to(ScalarType.Float32).mean().item<float>();
        output.WriteLine($"accuracy {accuracy:P2}");
        Assert.True(accuracy >= 0.99, $"accuracy {accuracy:P2} on {Prompts} prompts");
    }

    [Fact]
    public void Ground_truth_edges_name_edges_of_the_qkv_graph_and_survive_pruning()
    {
        var graph = EdgeCosts.Graph(Zoo.Config);
        var circuit = new Circuit(Zoo.GroundTruthEdges.Select(graph.ParseEdge));
        Assert.Equal(Zoo.GroundTruthEdges.Count, circuit.Count);
        Assert.Equal(circuit, circuit.Prune(graph));
    }

    [Fact]
    public void Resample_ablating_a_name_carrying_ground_truth_edge_costs_at_least_half_the_gap()
    {
        var costs = Costs(new ResampleAblation());
        foreach (var id in Zoo.GroundTruthEdges.Except(PlantedIoi.ConstantEdges))
        {
            Assert.True(costs[id] >= GroundTruthCost, $"{id}: resample ablation costs {costs[id]:P1} of the gap");
        }

        // The constant block is the same in every prompt, so resample ablation cannot see the edges that read only it.
        foreach (var id in PlantedIoi.ConstantEdges)
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
        foreach (var id in costs.Keys.Except(Zoo.GroundTruthEdges))
        {
            Assert.True(Math.Abs(costs[id]) < OtherEdgeCost, $"{id}: {ablation} ablation costs {costs[id]:P2} of the gap");
        }
    }

    /// <summary>Clean ABBA/BABA prompts, corrupted ABC prompts with three other names, IO and S <c>[b]</c>.</summary>
    private static (Tensor Clean, Tensor Corrupted, Tensor Io, Tensor S) Data(int seed)
    {
        var random = new Random(seed);
        var clean = new List<long[]>();
        var corrupted = new List<long[]>();
        var io = new long[Prompts];
        var s = new long[Prompts];
        for (int b = 0; b < Prompts; b++)
        {
            var names = PlantedIoi.NameTokens.OrderBy(_ => random.Next()).Take(5).ToArray();
            io[b] = names[0];
            s[b] = names[1];
            clean.Add(random.Next(2) == 0 ? PlantedIoi.Prompt(names[0], names[1], names[1]) : PlantedIoi.Prompt(names[1], names[0], names[1]));
            corrupted.Add(PlantedIoi.Prompt(names[2], names[3], names[4]));
        }

        return (stack(clean.Select(p => tensor(p))), stack(corrupted.Select(p => tensor(p))), tensor(io), tensor(s));
    }

    private Dictionary<string, double> Costs(IAblation ablation)
    {
        using var model = Zoo.Create();
        using var scope = NewDisposeScope();
        var (clean, corrupted, io, s) = Data(seed: 1);
        var read = full(Prompts, PlantedIoi.EndPosition, ScalarType.Int64); // [b]
        var pair = stack([io, s], 1).unsqueeze(0); // [1, b, 2]
        var (costs, cleanValue, ablated) = EdgeCosts.Measure(
            model,
            clean,
            read,
            corrupted,
            ablation,
            logits =>
            {
                var picked = logits.gather(2, pair.expand(logits.shape[0], Prompts, 2)); // [sets, b, 2]
                return (picked[.., .., 0] - picked[.., .., 1]).mean([1L]); // [sets]
            },
            output);
        Assert.True(cleanValue - ablated > PlantedIoi.LogitScale / 2, $"{ablation.Name}: clean {cleanValue:F3}, every edge ablated {ablated:F3}");
        return costs;
    }
}
