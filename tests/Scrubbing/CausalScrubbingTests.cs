using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class CausalScrubbingTests
{
    private static readonly ScrubOptions Fast = new() { Draws = 4, BootstrapSamples = 200, Seed = 1 };

    [Theory]
    [InlineData("tl-gelu-2l-tiny", GraphLevel.Qkv, ScrubMode.Tree)]
    [InlineData("tl-gelu-2l-tiny", GraphLevel.Head, ScrubMode.Node)]
    [InlineData("tl-attn-only-2l-tiny", GraphLevel.Qkv, ScrubMode.Tree)]
    [InlineData("tl-attn-only-2l-tiny", GraphLevel.Qkv, ScrubMode.Node)]
    public void Given_the_whole_graph_claiming_the_whole_prompt_when_scrubbed_then_the_model_loss_is_reproduced(string fixture, GraphLevel level, ScrubMode mode)
    {
        // every edge claims the whole prompt, so every resample is the prompt itself: the treeified computation must
        // rebuild the plain forward pass (MLPs, LayerNorm, shortformer positions included)
        using var loaded = ModelLoader.Load(FixturePaths.Model(fixture));
        var c = loaded.Model.Config;
        var dataset = new InductionGenerator(sequenceLength: 6).Generate(12, 0, null, c.DVocab);
        var graph = ModelGraph.Build(c, level);
        var hypothesis = new Hypothesis("whole prompt", graph, graph.Edges.ToDictionary(e => e, _ => (InputFeature)new PromptFeature()));
        using var scrubber = new CausalScrubber(loaded.Model, graph, dataset);
        var result = scrubber.Run(hypothesis, Fast with { Mode = mode, BatchSize = 8, Draws = 2 }); // 12 prompts in batches of 8 and 4
        Assert.Equal(result.ModelLoss.Value, result.ScrubbedLoss.Value, 4);
        Assert.Equal(1.0, result.LossRecovered.Value, 3);
    }

    [Fact]
    public void Given_planted_induction_then_the_correct_hypothesis_recovers_the_loss_and_a_missing_edge_or_a_wrong_feature_do_not()
    {
        using var run = Scrub("planted-induction", "induction");
        var correct = run.Read("planted-induction.hypothesis.json");
        var missing = correct with { Name = "missing", Edges = Without(correct, "a0.h0->a1.h0<k>", "input->a0.h0<q>", "input->a0.h0<k>", "input->a0.h0<v>") };
        var wrong = correct with { Name = "wrong", Edges = Replace(correct, "input->a1.h0<q>", new TokenFeature([PositionRef.At(19)])) };

        var good = run.Scrubber.Run(correct, Fast);
        Assert.True(good.LossRecovered.Value >= 0.9, $"correct: {good.LossRecovered}");
        Assert.True(good.LossRecovered.Low <= good.LossRecovered.Value && good.LossRecovered.Value <= good.LossRecovered.High);
        var noEdge = run.Scrubber.Run(missing, Fast);
        Assert.True(noEdge.LossRecovered.High < 0.8, $"missing edge: {noEdge.LossRecovered}");
        var badFeature = run.Scrubber.Run(wrong, Fast);
        Assert.True(badFeature.LossRecovered.High < 0.8, $"wrong feature: {badFeature.LossRecovered}");
    }

    [Fact]
    public void Given_planted_ioi_then_the_correct_hypothesis_recovers_the_loss_in_both_modes_and_a_wrong_feature_does_not()
    {
        using var run = Scrub("planted-ioi", "planted-ioi");
        var correct = run.Read("planted-ioi.hypothesis.json");
        Assert.True(run.Scrubber.Run(correct, Fast).LossRecovered.Value >= 0.9);
        Assert.True(run.Scrubber.Run(correct, Fast with { Mode = ScrubMode.Node }).LossRecovered.Value >= 0.9);
        var inhibitsIo = correct with { Edges = Replace(correct, "a1.h0->a2.h0<q>", new TokenFeature([PositionRef.Named("IO")])) };
        Assert.True(run.Scrubber.Run(inhibitsIo, Fast).LossRecovered.High < 0.8);
    }

    [Fact]
    public void Given_the_trained_two_layer_model_then_the_induction_hypothesis_over_every_layer_1_head_recovers_more_than_over_L1H2_alone()
    {
        using var run = Scrub("attn-only-2l", "induction");
        var single = run.Scrubber.Run(run.Read("attn-only-2l-induction.hypothesis.json"), Fast);
        var all = run.Scrubber.Run(run.Read("attn-only-2l-induction-all-heads.hypothesis.json"), Fast);
        Assert.InRange(single.LossRecovered.Value, 0.15, 0.45); // docs/verification.md: 28% at --n 200, 8 draws
        Assert.InRange(all.LossRecovered.Value, 0.6, 0.9); // 73%
        Assert.True(all.LossRecovered.Low > single.LossRecovered.High);
    }

    [Fact]
    public void Given_a_budget_smaller_than_the_tree_then_scrubbing_refuses_and_names_the_node_level_approximation()
    {
        using var run = Scrub("planted-induction", "induction");
        var hypothesis = run.Read("planted-induction.hypothesis.json");
        Assert.Equal(3, CausalScrubber.Cost(hypothesis, ScrubMode.Tree)); // logits, a1.h0, a0.h0
        var error = Assert.Throws<BadInputException>(() => run.Scrubber.Run(hypothesis, Fast with { Budget = 2 }));
        Assert.Contains("--scrub node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_prompts_of_different_lengths_then_scrubbing_refuses_them()
    {
        using var loaded = ModelLoader.Load("zoo:planted-induction");
        var dataset = new TaskDataset
        {
            Name = "ragged",
            Prompts = [new TaskPrompt { Clean = [0, 1, 2], Corrupt = [0, 2, 1], Answers = [1] }, new TaskPrompt { Clean = [0, 1], Corrupt = [0, 2], Answers = [1] }],
        };
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 0, true, false), GraphLevel.Qkv);
        var error = Assert.Throws<BadInputException>(() => new CausalScrubber(loaded.Model, graph, dataset));
        Assert.Contains("one length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_model_with_sandwich_norms_then_scrubbing_refuses_it_naming_why()
    {
        using var loaded = ModelLoader.Load(FixturePaths.Model("gemma2-tiny"));
        var dataset = new TaskDataset
        {
            Name = "gemma",
            Prompts = [new TaskPrompt { Clean = [0, 1, 2], Corrupt = [0, 2, 1], Answers = [1] }],
        };
        var c = loaded.Model.Config;
        var graph = CircuitFinder.Patching.ModelGraph.Build(c, GraphLevel.Head);
        var error = Assert.Throws<BadInputException>(() => new CausalScrubber(loaded.Model, graph, dataset));
        Assert.Contains("use_normalization_before_and_after", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<Edge, InputFeature> Without(Hypothesis h, params string[] ids) =>
        h.Edges.Where(p => !ids.Contains(p.Key.Id)).ToDictionary(p => p.Key, p => p.Value);

    private static Dictionary<Edge, InputFeature> Replace(Hypothesis h, string id, InputFeature feature) =>
        h.Edges.ToDictionary(p => p.Key, p => p.Key.Id == id ? feature : p.Value);

    private static ScrubRun Scrub(string model, string task) => new(model, task);

    private sealed class ScrubRun : IDisposable
    {
        public ScrubRun(string model, string task)
        {
            Loaded = ModelLoader.Load($"zoo:{model}");
            var c = Loaded.Model.Config;
            TaskGeneratorCatalog.TryCreate(task, out var generator);
            Dataset = generator!.Generate(200, 0, Loaded.Tokenizer, c.DVocab); // large enough that few agreeing groups hold only the prompt itself
            Graph = ModelGraph.Build(c, GraphLevel.Qkv);
            Scrubber = new CausalScrubber(Loaded.Model, Graph, Dataset);
        }

        public LoadedModel Loaded { get; }

        public TaskDataset Dataset { get; }

        public ComputeGraph Graph { get; }

        public CausalScrubber Scrubber { get; }

        public Hypothesis Read(string file) =>
            HypothesisReader.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hypotheses", file), Dataset, _ => Graph);

        public void Dispose()
        {
            Scrubber.Dispose();
            Loaded.Dispose();
        }
    }
}
