using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using Xunit;

namespace CircuitFinder.Tests.Patching.Discovery;

/// <summary>
/// <c>--batch</c>: splitting a task's prompts into batches changes memory, not results — metrics of edge sets, EAP-IG
/// scores and ACDC's circuit equal those of one batch holding every prompt (mean ablation still averages the whole task).
/// </summary>
public sealed class BatchedDiscoveryTests
{
    [Theory]
    [InlineData("resample")]
    [InlineData("mean")]
    public void Batches_of_five_give_the_metrics_scores_and_circuit_of_one_batch(string ablationName)
    {
        using var loaded = ModelLoader.Load("zoo:planted-ioi");
        var c = loaded.Model.Config;
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        using var all = TaskBatch.From(generator!.Generate(17, seed: 3, loaded.Tokenizer, c.DVocab));
        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        var ablation = AblationCatalog.Create(ablationName);
        var options = new DiscoveryOptions { Threshold = 0.05, IgSteps = 3 };
        using var one = PromptBatches.Create(loaded.Model, graph, all, ablation, batchSize: null, seed: 0);
        using var five = PromptBatches.Create(loaded.Model, graph, all, ablation, batchSize: 5, seed: 0);
        Assert.Equal(1, one.Count);
        Assert.Equal([5L, 5L, 5L, 2L], five.Sizes);
        var whole = new DiscoveryContext(loaded.Model, one, new LogitDifferenceMetric(), options);
        var split = new DiscoveryContext(loaded.Model, five, new LogitDifferenceMetric(), options);

        var random = new Random(7);
        var sets = Enumerable.Range(0, 6).Select(i => (IReadOnlyCollection<Edge>)graph.Edges.Where(_ => random.NextDouble() < i / 6.0).ToList()).ToList();
        var expected = whole.MetricOf(sets);
        var actual = split.MetricOf(sets);
        for (int i = 0; i < sets.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"set {i} ({sets[i].Count} edges): {expected[i]} vs {actual[i]}");
        }

        var eapIg = new EdgeAttributionPatching(integrated: true);
        var scoresWhole = eapIg.Discover(whole with { Options = options with { TopK = 10, Threshold = null } }).Scores;
        var scoresSplit = eapIg.Discover(split with { Options = options with { TopK = 10, Threshold = null } }).Scores;
        double largest = scoresWhole.Values.Max(Math.Abs);
        Assert.True(largest > 0.1, $"EAP-IG scores are all tiny ({largest})");
        Assert.All(graph.Edges, e => Assert.True(Math.Abs(scoresWhole[e] - scoresSplit[e]) <= 1e-5 * largest, $"{e.Id}: {scoresWhole[e]} vs {scoresSplit[e]}"));

        Assert.Equal(new Acdc().Discover(whole).Circuit, new Acdc().Discover(split).Circuit);
    }

    [Theory]
    [InlineData("resample")]
    [InlineData("mean")]
    public void Batches_rebuilt_for_every_pass_give_the_metrics_and_circuit_of_kept_batches(string ablationName)
    {
        using var loaded = ModelLoader.Load("zoo:planted-ioi");
        var c = loaded.Model.Config;
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        using var all = TaskBatch.From(generator!.Generate(13, seed: 5, loaded.Tokenizer, c.DVocab));
        var graph = ModelGraph.Build(c, GraphLevel.Head);
        var ablation = AblationCatalog.Create(ablationName);
        var options = new DiscoveryOptions { Threshold = 0.05, IgSteps = 2 };
        using var kept = PromptBatches.Create(loaded.Model, graph, all, ablation, batchSize: 4, seed: 0);
        using var rebuilt = PromptBatches.Create(loaded.Model, graph, all, ablation, batchSize: 4, seed: 0, keepBytes: 0);
        var a = new DiscoveryContext(loaded.Model, kept, new LogitDifferenceMetric(), options);
        var b = new DiscoveryContext(loaded.Model, rebuilt, new LogitDifferenceMetric(), options);
        var sets = new List<IReadOnlyCollection<Edge>> { new List<Edge>(), graph.Edges.Take(5).ToList(), graph.Edges.ToList() };
        Assert.Equal(a.MetricOf(sets), b.MetricOf(sets));
        Assert.Equal(new Acdc().Discover(a).Circuit, new Acdc().Discover(b).Circuit);
    }

    [Fact]
    public void A_task_too_large_for_memory_in_one_batch_is_refused_up_front_suggesting_batch()
    {
        using var loaded = ModelLoader.Load("zoo:planted-ioi");
        var c = loaded.Model.Config;
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        using var all = TaskBatch.From(generator!.Generate(64, seed: 3, loaded.Tokenizer, c.DVocab));
        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        var e = Assert.Throws<BadInputException>(() => PromptBatches.Create(loaded.Model, graph, all, new ResampleAblation(), null, 0, memoryLimitBytes: 1 << 20).Dispose());
        Assert.Contains("--batch", e.Message);
        Assert.Contains("64 prompts", e.Message);
        using var batched = PromptBatches.Create(loaded.Model, graph, all, new ResampleAblation(), 8, 0, memoryLimitBytes: 1 << 20);
        Assert.Equal(8, batched.Count);
    }

    [Fact]
    public void A_batch_size_that_is_not_positive_is_refused()
    {
        using var loaded = ModelLoader.Load("zoo:planted-ioi");
        var c = loaded.Model.Config;
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        using var all = TaskBatch.From(generator!.Generate(4, seed: 3, loaded.Tokenizer, c.DVocab));
        var graph = ModelGraph.Build(c, GraphLevel.Head);
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptBatches.Create(loaded.Model, graph, all, new ResampleAblation(), 0, 0));
    }
}
