using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using FsCheck.Xunit;
using Xunit;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Discovery;

/// <summary>
/// The hybrid's adaptive screen: its certificate holds when re-checked, it grows by doubling, a forced small screen is
/// reported as uncertified, and at default settings it finds ACDC's circuit (same τ, metric and ablation) on the zoo.
/// </summary>
public sealed class HybridScreenTests(ITestOutputHelper output)
{
    [Property(MaxTest = 10)]
    public void Given_a_random_model_and_threshold_when_the_screen_is_certified_then_its_screened_out_edges_pass_ACDCs_test_together(int seed)
    {
        var config = RandomModels.Config(seed);
        using var model = RandomModels.Model(config, seed);
        var graph = RandomModels.Graph(config, GraphLevel.Qkv);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var clean = RandomModels.Tokens(seed, 3, 6, config.DVocab);
        var corrupted = RandomModels.Tokens(seed + 1, 3, 6, config.DVocab);
        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: torch.full([3L], 5L, ScalarType.Int64)), new ResampleAblation(), corrupted);
        var answers = RandomModels.Tokens(seed + 2, 3, 1, config.DVocab);
        var wrong = RandomModels.Tokens(seed + 3, 3, 1, config.DVocab);
        double tau = new[] { 0.001, 0.01, 0.05 }[Math.Abs(seed) % 3];
        var options = new DiscoveryOptions { Threshold = tau, HybridScreenFraction = 0.01, HybridScreenMinimum = 1, IgSteps = 3 };
        var context = new DiscoveryContext(model, patcher, new KlDivergenceMetric(), answers, wrong, options);

        var result = new HybridDiscovery().Discover(context);

        var certificate = result.Certificate!;
        Assert.True(certificate.Certified, $"an adaptive screen ends certified (rounds: {string.Join(", ", certificate.Rounds)})");
        for (int i = 1; i < certificate.Rounds.Count; i++)
        {
            Assert.Equal(Math.Min(graph.Edges.Count, 2 * certificate.Rounds[i - 1].Edges), certificate.Rounds[i].Edges);
            Assert.True(certificate.Rounds[i - 1].Damage >= tau, "the screen grows only after a failed test");
        }

        // re-evaluate the final screened-out set from scratch: the damage the certificate states, below τ
        var ranked = graph.Edges.Select((e, i) => (e, i)).OrderByDescending(x => Math.Abs(result.Scores[x.e])).ThenBy(x => x.i).Select(x => x.e).ToList();
        var screenedOut = ranked.Skip(certificate.ScreenedEdges).ToList();
        double full = context.MetricOf([[]])[0];
        double damage = screenedOut.Count == 0 ? 0 : context.Damage(full, context.MetricOf([screenedOut])[0]);
        Assert.Equal(certificate.ScreenedOutDamage, damage, 6);
        Assert.True(damage < tau, $"screened-out damage {damage} is below τ = {tau}");
        Assert.Equal(certificate.ExactTests, result.ExactTests);
        Assert.True(result.ExactTests <= certificate.ScreenedEdges, "exact tests run on the screened edges only");
    }

    [Fact]
    public void Given_a_fixed_screen_of_one_edge_when_the_rest_matters_then_the_certificate_says_it_is_not_certified()
    {
        using var loaded = ModelLoader.Load("zoo:attn-only-2l");
        var record = new DiscoveryRun(new DiscoverySettings { Method = "hybrid", Threshold = 0.02, ScreenFraction = 1e-6, ScreenMinimum = 1, FixedScreen = true })
            .Run(loaded, Generate(loaded, "induction", 16));
        var certificate = record.Certificate!;
        Assert.False(certificate.Certified);
        Assert.Single(certificate.Rounds);
        Assert.Equal(1, certificate.ScreenedEdges);
        Assert.True(certificate.ScreenedOutDamage >= 0.02);
        Assert.Contains(record.Warnings, w => w.Contains("screen was too small", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("planted-induction", "induction", true)]
    [InlineData("planted-ioi", "planted-ioi", true)]
    [InlineData("attn-only-1l", "induction", false)]
    [InlineData("attn-only-2l", "induction", false)]
    [InlineData("attn-only-3l", "induction", false)]
    [InlineData("toy-ioi", "toy-ioi", false)]
    public void Given_default_settings_then_the_hybrid_finds_ACDCs_circuit(string model, string task, bool planted)
    {
        using var loaded = ModelLoader.Load($"zoo:{model}");
        var dataset = Generate(loaded, task, 16);
        string metric = dataset.DefaultMetric; // the hybrid's default; ACDC told the same
        var hybrid = new DiscoveryRun(new DiscoverySettings { Method = "hybrid", Threshold = 0.02 }).Run(loaded, dataset);
        var acdc = new DiscoveryRun(new DiscoverySettings { Method = "acdc", Threshold = 0.02, Metric = metric }).Run(loaded, dataset);
        output.WriteLine($"{model}: hybrid {hybrid.Circuit.Count} edges, faithfulness {hybrid.Faithfulness:F4}, {hybrid.ExactTests} tests; acdc {acdc.Circuit.Count} edges, {acdc.Faithfulness:F4}, {acdc.ExactTests} tests");
        Assert.Equal(metric, hybrid.Task.Metric);
        Assert.True(hybrid.Certificate!.Certified);
        Assert.True(Math.Abs(hybrid.Faithfulness - acdc.Faithfulness) <= 0.02, $"hybrid {hybrid.Faithfulness}, acdc {acdc.Faithfulness}");
        if (planted)
        {
            Assert.Equal(acdc.Circuit, hybrid.Circuit);
        }
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Given_stories260k_name_copy_at_default_settings_then_the_hybrid_is_as_faithful_as_ACDC_for_fewer_tests()
    {
        var folder = RealModels.Require("stories260k-hf");
        using var loaded = ModelLoader.Load(folder);
        var dataset = Generate(loaded, "name-copy", 16);
        var hybrid = new DiscoveryRun(new DiscoverySettings { Method = "hybrid", Threshold = 0.02 }).Run(loaded, dataset);
        var acdc = new DiscoveryRun(new DiscoverySettings { Method = "acdc", Threshold = 0.02, Metric = hybrid.Task.Metric }).Run(loaded, dataset);
        output.WriteLine($"stories260K: hybrid {hybrid.Circuit.Count} edges, faithfulness {hybrid.Faithfulness:F4}, {hybrid.ExactTests} tests, screen {string.Join(" -> ", hybrid.Certificate!.Rounds.Select(r => r.Edges))}; acdc {acdc.Circuit.Count} edges, {acdc.Faithfulness:F4}, {acdc.ExactTests} tests");
        Assert.True(hybrid.Certificate.Certified);
        Assert.True(hybrid.ExactTests < acdc.ExactTests, "the screen spares exact tests");
        Assert.True(Math.Abs(hybrid.Faithfulness - acdc.Faithfulness) <= 0.02, $"hybrid {hybrid.Faithfulness}, acdc {acdc.Faithfulness}");
    }

    internal static TaskDataset Generate(LoadedModel loaded, string task, int prompts)
    {
        Assert.True(TaskGeneratorCatalog.TryCreate(task, out var generator));
        return generator!.Generate(prompts, 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
    }
}
