using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Attribution;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Attribution;

/// <summary>
/// EAP is the first-order (linear) estimate of an edge's effect: it must match a finite difference of the exact edge
/// patch taken a small step ε towards the ablated value; EAP-IG over the input embeddings must add up, over the input
/// node's edges, to the metric's change between the corrupted and the clean prompts (completeness).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class EdgeAttributionTests
{
    private static readonly int Seed = Enumerable.Range(0, 200).First(s =>
        RandomModels.Config(s) is { AttnOnly: false, NLayers: 2, NormalizationType: not CircuitFinder.Model.Config.NormalizationType.None, PositionalEmbeddingType: CircuitFinder.Model.Config.PositionalEmbeddingType.Standard, ActFn: CircuitFinder.Model.Config.ActivationFunction.Silu });

    [Theory]
    [InlineData(GraphLevel.Qkv, null)]
    [InlineData(GraphLevel.Head, null)]
    [InlineData(GraphLevel.Qkv, "neox")]
    [InlineData(GraphLevel.Qkv, "neo")]
    [InlineData(GraphLevel.Qkv, "llama-gqa")]
    [InlineData(GraphLevel.Qkv, "llama3")]
    [InlineData(GraphLevel.Qkv, "mistral")]
    [InlineData(GraphLevel.Qkv, "qwen2")]
    [InlineData(GraphLevel.Qkv, "phi3")]
    [InlineData(GraphLevel.Qkv, "gemma2")]
    [InlineData(GraphLevel.Head, "gemma2")]
    public void EAP_scores_match_finite_differences_of_the_exact_edge_patch(GraphLevel level, string? family)
    {
        // in float64, a central difference of the exact edge patch a step ε towards the ablated value is the
        // derivative to O(ε²): EAP (the derivative by backpropagation) must agree within 1e-4 relative
        using var setup = new Setup(family is null ? Seed : ArchitecturePatchingTests.SeedOf(family), level, ScalarType.Float64);
        AssertMatchesFiniteDifferences(setup, $"{family ?? "mixed"}, {level}");
    }

    [Theory]
    [InlineData(GraphLevel.Neuron, null, PositionMode.None)]
    [InlineData(GraphLevel.Neuron, null, PositionMode.Labels)]
    [InlineData(GraphLevel.Neuron, "llama3", PositionMode.None)]
    [InlineData(GraphLevel.Neuron, "neox", PositionMode.None)]
    [InlineData(GraphLevel.Qkv, null, PositionMode.All)]
    [InlineData(GraphLevel.Qkv, null, PositionMode.Labels)]
    [InlineData(GraphLevel.Head, "gemma2", PositionMode.Labels)]
    public void EAP_scores_at_neuron_and_position_level_match_finite_differences_of_the_exact_edge_patch(GraphLevel level, string? family, PositionMode positions)
    {
        using var setup = new Setup(family is null ? Seed : ArchitecturePatchingTests.SeedOf(family), level, ScalarType.Float64, positions);
        AssertMatchesFiniteDifferences(setup, $"{family ?? "mixed"}, {level}, positions {positions}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gemma2")]
    [InlineData("llama3")]
    public void Neuron_level_EAP_scores_of_a_layers_neurons_sum_to_the_score_of_its_MLP(string? family)
    {
        // an MLP's output is the sum of its neurons' (under sandwich norms each carries b_out / d_mlp and the norm's
        // gain): the neuron-level scores of an edge's neurons add up to the q/k/v-level score of the MLP's edge
        int seed = family is null ? Seed : ArchitecturePatchingTests.SeedOf(family);
        using var neurons = new Setup(seed, GraphLevel.Neuron, ScalarType.Float64);
        using var mlps = new Setup(seed, GraphLevel.Qkv, ScalarType.Float64);
        var split = EdgeAttribution.Score(neurons.Model, neurons.Patcher, neurons.Metric, neurons.Answers, neurons.Wrong, steps: 2);
        var whole = EdgeAttribution.Score(mlps.Model, mlps.Patcher, mlps.Metric, mlps.Answers, mlps.Wrong, steps: 2);
        int checkedEdges = 0;
        foreach (var edge in mlps.Graph.Edges.Where(e => e.Source.Kind == NodeKind.Mlp))
        {
            double sum = Enumerable.Range(0, mlps.Model.Config.DMlp).Sum(n => split[new Edge(Node.Neuron(edge.Source.Layer, n), edge.Destination, edge.Input)]);
            Assert.True(Math.Abs(sum - whole[edge]) <= 1e-6 * Math.Max(1, Math.Abs(whole[edge])), $"{edge.Id}: neurons sum to {sum}, the MLP scores {whole[edge]}");
            checkedEdges++;
        }

        Assert.True(checkedEdges > 0);
        Assert.All(mlps.Graph.Edges.Where(e => e.Source.Kind != NodeKind.Mlp), e => Assert.Equal(whole[e], split[e], 1e-9));
    }

    [Theory]
    [InlineData(PositionMode.Labels)]
    [InlineData(PositionMode.All)]
    public void Positional_EAP_scores_sum_over_the_groups_to_the_score_without_positions(PositionMode mode)
    {
        using var plain = new Setup(Seed, GraphLevel.Qkv);
        using var positional = new Setup(Seed, GraphLevel.Qkv, positions: mode);
        var whole = EdgeAttribution.Score(plain.Model, plain.Patcher, plain.Metric, plain.Answers, plain.Wrong, steps: 3);
        var split = EdgeAttribution.Score(positional.Model, positional.Patcher, positional.Metric, positional.Answers, positional.Wrong, steps: 3);
        foreach (var edge in plain.Graph.Edges)
        {
            double sum = positional.Graph.Positions!.Labels.Sum(l => split[edge with { Position = l }]);
            Assert.True(Math.Abs(sum - whole[edge]) <= 1e-4 * Math.Max(1, Math.Abs(whole[edge])), $"{edge.Id}: {sum} vs {whole[edge]}");
        }
    }

    private static void AssertMatchesFiniteDifferences(Setup setup, string what)
    {
        const double epsilon = 1e-4;
        Assert.Equal(ScalarType.Float64, setup.Patcher.CleanLogits.dtype);
        var scores = EdgeAttribution.Score(setup.Model, setup.Patcher, setup.Metric, setup.Answers, setup.Wrong);
        using var scope = NewDisposeScope();
        var edges = setup.Graph.Edges;
        double[] Nudged(double step)
        {
            using var nudged = new EdgePatcher(setup.Model, setup.Graph, setup.Input, new ScaledAblation(new ResampleAblation(), step), setup.Corrupted);
            var logits = nudged.Evaluate([.. edges.Select(e => (IReadOnlyCollection<Edge>)[e])]);
            var metric = setup.Metric.PerPrompt(logits, new MetricTarget(setup.Answers, setup.Wrong, nudged.CleanLogits)).mean([1L]); // [edges]
            return metric.data<double>().ToArray();
        }

        var plus = Nudged(epsilon);
        var minus = Nudged(-epsilon);
        double largest = scores.Values.Max(Math.Abs);
        Assert.True(largest > 1e-2, $"scores are all tiny ({largest})");
        double worst = 0;
        for (int i = 0; i < edges.Count; i++)
        {
            double finite = (plus[i] - minus[i]) / (2 * epsilon);
            double error = Math.Abs(finite - scores[edges[i]]) / Math.Max(Math.Abs(finite), 1e-6 * largest);
            worst = Math.Max(worst, error);
            Assert.True(error <= 1e-4, $"{edges[i].Id}: EAP {scores[edges[i]]:G10}, finite difference {finite:G10} (relative error {error:G3})");
        }

        Assert.True(worst > 0, "EAP and the finite differences cannot agree to the last bit");
        Console.WriteLine($"EAP vs central differences ({what}): worst relative error {worst:G3} over {edges.Count} edges");
    }

    [Fact]
    public void EAP_IG_over_the_input_nodes_edges_adds_up_to_the_corrupted_minus_clean_metric()
    {
        using var setup = new Setup(Seed, GraphLevel.Qkv);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scores = EdgeAttribution.Score(setup.Model, setup.Patcher, setup.Metric, setup.Answers, setup.Wrong, steps: 40);
        double inputTotal = setup.Graph.OutgoingEdges(Node.Input).Sum(e => scores[e]);
        var both = setup.Patcher.Evaluate([[], [.. setup.Graph.OutgoingEdges(Node.Input)]]);
        var metric = setup.Metric.PerPrompt(both, new MetricTarget(setup.Answers, setup.Wrong, setup.Patcher.CleanLogits)).mean([1L]);
        double change = metric[1].item<float>() - metric[0].item<float>(); // all input edges ablated = corrupted embeddings
        Assert.True(Math.Abs(change) > 1e-2, $"the prompts should differ in metric ({change})");
        Assert.True(Math.Abs(inputTotal - change) <= 0.05 * Math.Abs(change), $"EAP-IG input total {inputTotal:F5} vs metric change {change:F5}");
    }

    [Fact]
    public void Negative_steps_are_refused()
    {
        using var setup = new Setup(Seed, GraphLevel.Qkv);
        Assert.Contains("steps", Assert.Throws<ArgumentException>(() => EdgeAttribution.Score(setup.Model, setup.Patcher, setup.Metric, setup.Answers, setup.Wrong, steps: -1)).Message);
    }

    private sealed class Setup : IDisposable
    {
        public Setup(int seed, GraphLevel level, ScalarType dtype = ScalarType.Float32, PositionMode positions = PositionMode.None)
        {
            var config = RandomModels.Config(seed);
            Model = dtype == ScalarType.Float64 ? RandomModels.Float64Model(config, seed) : RandomModels.Model(config, seed);

            Graph = ModelGraph.Build(config, level, positions switch
            {
                PositionMode.All => GraphPositions.All(6),
                PositionMode.Labels => GraphPositions.OfLabels(["A", "B"]),
                _ => null,
            });
            var clean = RandomModels.Tokens(seed, 4, 6, config.DVocab).DetachFromDisposeScope();
            Corrupted = RandomModels.Tokens(seed + 1, 4, 6, config.DVocab).DetachFromDisposeScope();
            var groups = positions == PositionMode.Labels ? randint(0, 3, [4, 6], generator: new Generator((ulong)seed + 3)).DetachFromDisposeScope() : null; // a layout per prompt
            Input = new PatchingInput(clean, ReadPositions: tensor(new long[] { 5, 4, 5, 3 }).DetachFromDisposeScope(), PositionGroups: groups);
            Answers = tensor(new long[] { 1, 2, 3, 4 }).view(4, 1).DetachFromDisposeScope();
            Wrong = tensor(new long[] { 0, 0, 1, 1 }).view(4, 1).DetachFromDisposeScope();
            Patcher = new EdgePatcher(Model, Graph, Input, new ResampleAblation(), Corrupted);
        }

        public HookedTransformer Model { get; }

        public ComputeGraph Graph { get; }

        public PatchingInput Input { get; }

        public Tensor Corrupted { get; }

        public Tensor Answers { get; }

        public Tensor Wrong { get; }

        public EdgePatcher Patcher { get; }

        public IMetric Metric { get; } = new LogitDifferenceMetric();

        public void Dispose()
        {
            Patcher.Dispose();
            Model.Dispose();
        }
    }
}
