using CircuitFinder.Graph;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Tasks;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Views;

public sealed class PatchingMapTests
{
    public static IEnumerable<object[]> Models => ViewModels.Names;

    /// <summary>One model of each architecture (GPT-2, NeoX, Neo, TL attention-only and GELU, the zoo, random NeoX / Neo / Llama).</summary>
    public static IEnumerable<object[]> OnePerArchitecture =>
    [
        ["gpt2-tiny"], ["pythia-tiny"], ["gpt-neo-tiny"], ["tl-attn-only-2l-tiny"], ["tl-solu-1l-tiny"], ["zoo:attn-only-2l"], ["zoo:planted-ioi"], ["random:1"], ["random:2"], ["random:3"],
    ];

    [Theory]
    [MemberData(nameof(OnePerArchitecture))]
    public void Given_any_model_when_patching_a_run_into_itself_then_clean_gives_1_and_corrupted_gives_0_in_every_cell(string name)
    {
        using var model = ViewModels.Load(name);
        var task = TwoPrompts(model);
        using var batch = TaskBatch.From(task);
        using var function = new TaskMetricFunction(model, batch, new LogitDifferenceMetric());
        double clean = Score(model, batch.Clean, function), corrupt = Score(model, batch.Corrupt, function);
        Assert.True(Math.Abs(clean - corrupt) > 1e-3, $"{name}: the prompts should differ in the metric");
        var context = new PatchingMapContext(name, "two prompts", 2, "logit-diff", PatchingMap.PositionLabels(null, task, batch.Length));
        var whats = PatchingMap.Components.Keys.Where(w => w != "mlp-out" || model.Config.HasMlp).ToList();
        foreach (var (tokens, expected) in new[] { (batch.Clean, 1.0), (batch.Corrupt, 0.0) })
        {
            using var patcher = new ActivationPatcher(model, tokens, tokens, function.Evaluate);
            foreach (var what in whats)
            {
                foreach (var positions in what is "resid-pre" or "head-z" ? new IReadOnlyList<int>?[] { null, [0, batch.Length - 1] } : [null])
                {
                    var report = PatchingMap.Compute(model, patcher, new PatchingMapOptions { What = what, Positions = positions }, clean, corrupt, context);
                    Assert.Equal(-1, report.Map.Min);
                    Assert.Equal(1, report.Map.Max);
                    foreach (var row in report.Map.Values)
                    {
                        Assert.All(row, v => Assert.True(Math.Abs(v - expected) <= ViewModels.Tolerance, $"{name} {what}: {v}, expected {expected}"));
                    }
                }
            }
        }
    }

    public static IEnumerable<object[]> LinearModels => ViewModels.Linear;

    [Theory]
    [MemberData(nameof(LinearModels))]
    public void Given_any_model_when_patching_one_heads_output_then_the_metric_equals_the_edge_patchers_node_ablation(string name)
    {
        using var model = ViewModels.Load(name);
        var task = TwoPrompts(model);
        var report = PatchingMap.Run(model, null, task, new LogitDifferenceMetric(), new PatchingMapOptions { What = "head-z", Denoise = false }, name);
        var graph = ModelGraph.Build(model.Config, GraphLevel.Head);
        using var batch = TaskBatch.From(task);
        using var scope = NewDisposeScope();
        var input = new PatchingInput(batch.Clean, ReadPositions: batch.ReadPositions);
        using var patcher = new EdgePatcher(model, graph, input, new ResampleAblation(), batch.Corrupt);
        var heads = Enumerable.Range(0, model.Config.NLayers).SelectMany(l => Enumerable.Range(0, model.Config.NHeads).Select(h => new HeadLabel(l, h))).ToList();
        var logits = patcher.Evaluate(heads.Select(h => (IReadOnlyCollection<Edge>)graph.OutgoingEdges(Node.Head(h.Layer, h.Head))).ToList()); // [sets, b, v]
        var metric = new LogitDifferenceMetric().PerPrompt(logits, new MetricTarget(batch.Answers, batch.WrongAnswers, patcher.CleanLogits)).mean([1L]); // [sets]
        for (int i = 0; i < heads.Count; i++)
        {
            double expected = metric[i].item<float>();
            double actual = report.Raw[heads[i].Layer, heads[i].Head];
            Assert.True(Math.Abs(expected - actual) <= ViewModels.Tolerance, $"{name} {heads[i]}: patch {actual}, node ablation {expected}");
        }
    }

    [Fact]
    public void Given_positions_out_of_range_or_an_unknown_component_when_patching_then_bad_input_names_them()
    {
        using var model = ViewModels.Load("tl-attn-only-2l-tiny");
        var task = TwoPrompts(model);
        var metric = new LogitDifferenceMetric();
        var e1 = Assert.Throws<BadInputException>(() => PatchingMap.Run(model, null, task, metric, new PatchingMapOptions { What = "resid-pre", Positions = [1, 6] }, "m"));
        Assert.Contains("--positions: position 6 is out of range", e1.Message);
        var e2 = Assert.Throws<BadInputException>(() => PatchingMap.Run(model, null, task, metric, new PatchingMapOptions { What = "mlp-out" }, "m"));
        Assert.Contains("attention-only", e2.Message);
        var e3 = Assert.Throws<BadInputException>(() => PatchingMap.Run(model, null, task, metric, new PatchingMapOptions { What = "head-x" }, "m"));
        Assert.Contains("--what: unknown component 'head-x'", e3.Message);
    }

    private static double Score(HookedTransformer model, Tensor tokens, TaskMetricFunction function)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return function.Evaluate(model.Forward(tokens));
    }

    /// <summary>Two prompts of six random tokens, answer 1 against 2, corrupted at every position.</summary>
    private static TaskDataset TwoPrompts(HookedTransformer model) => new()
    {
        Name = "two prompts",
        Prompts =
        [
            new TaskPrompt { Clean = ViewModels.Prompt(model, 1), Corrupt = ViewModels.Prompt(model, 2), Answers = [1], WrongAnswers = [2] },
            new TaskPrompt { Clean = ViewModels.Prompt(model, 3), Corrupt = ViewModels.Prompt(model, 4), Answers = [1], WrongAnswers = [2] },
        ],
    };
}
