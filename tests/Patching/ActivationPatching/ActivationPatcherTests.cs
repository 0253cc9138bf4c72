using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.ActivationPatching;
using Xunit;
using static CircuitFinder.Tests.Patching.ActivationPatching.PatchingTestModels;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.ActivationPatching;

public sealed class ActivationPatcherTests : IDisposable
{
    private readonly LoadedModel _loaded = Load("tl-gelu-2l-tiny");
    private readonly Tensor _clean = Clean();
    private readonly Tensor _corrupted = Corrupted();

    private HookedTransformer Model => _loaded.Model;

    [Theory]
    [InlineData("tl-gelu-2l-tiny")]
    [InlineData("gpt2-tiny")]
    [InlineData("tl-attn-only-2l-tiny")]
    [InlineData("pythia-tiny")]
    [InlineData("gpt-neo-tiny")]
    public void Given_identical_clean_and_corrupted_prompts_when_patching_anything_then_every_metric_is_the_clean_metric(string name)
    {
        using var loaded = Load(name);
        using var patcher = new ActivationPatcher(loaded.Model, _clean, _clean, LogitDifference, maxCopiesPerRun: 5);
        AssertClose(patcher.CleanMetric, patcher.CorruptedMetric, "corrupted metric");
        var results = patcher.ResidPreByLayerAndPosition()
            .Concat(patcher.AttnOutByLayerAndPosition())
            .Concat(loaded.Model.Config.HasMlp ? patcher.MlpOutByLayerAndPosition() : [])
            .Concat(patcher.HeadZByLayerAndPosition())
            .Concat(patcher.HeadAllPositions())
            .ToList();
        int layers = loaded.Model.Config.NLayers, heads = loaded.Model.Config.NHeads, positions = 6;
        int expectedCount = (loaded.Model.Config.HasMlp ? 3 : 2) * layers * positions + layers * positions * heads + 5 * layers * heads;
        Assert.Equal(expectedCount, results.Count);
        Assert.All(results, r => AssertClose(patcher.CleanMetric, r.Metric, $"{r.Component} L{r.Layer} pos {r.Position} head {r.Head}"));
    }

    [Fact]
    public void Given_resid_pre_of_layer_0_patched_at_every_position_then_the_metric_is_the_corrupted_metric()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var patcher = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference);
        var (_, cache) = Model.RunWithCache(_corrupted, [HookName.ResidPre(0)]);
        using (cache)
        {
            var logits = Model.RunWithHooks(_clean, [(HookName.ResidPre(0), (_, _) => cache[HookName.ResidPre(0)].clone())]); // [b, p, v]
            AssertClose(patcher.CorruptedMetric, LogitDifference(logits), "all positions patched");
        }

        Assert.True(Math.Abs(patcher.CleanMetric - patcher.CorruptedMetric) > 1e-3, "the prompts should differ in the metric");
    }

    [Fact]
    public void Given_prompts_that_differ_at_one_position_when_patching_resid_pre_of_layer_0_then_only_that_position_gives_the_corrupted_metric()
    {
        using var corrupted = _clean.clone();
        corrupted[0, 2] = tensor(150L);
        corrupted[1, 2] = tensor(151L);
        using var patcher = new ActivationPatcher(Model, _clean, corrupted, LogitDifference);
        var layer0 = patcher.ResidPreByLayerAndPosition().Where(r => r.Layer == 0).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(p => (int?)p), layer0.Select(r => r.Position));
        Assert.All(layer0, r => AssertClose(r.Position == 2 ? patcher.CorruptedMetric : patcher.CleanMetric, r.Metric, $"position {r.Position}"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 3)]
    [InlineData(1, 5)]
    public void Given_resid_pre_patched_at_one_position_then_the_metric_equals_a_hook_based_reference(int layer, int position)
    {
        using var patcher = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 4);
        var result = patcher.ResidPreByLayerAndPosition().Single(r => r.Layer == layer && r.Position == position);
        Assert.Equal(new PatchResult("resid_pre", layer, position, null, result.Metric), result);
        AssertClose(Reference(HookName.ResidPre(layer), a => a.narrow(1, position, 1)), result.Metric, "resid_pre");
    }

    [Theory]
    [InlineData(0, 2, 1)]
    [InlineData(1, 0, 3)]
    [InlineData(1, 3, 5)]
    public void Given_a_head_output_patched_at_one_position_then_the_metric_equals_a_hook_based_reference(int layer, int head, int position)
    {
        using var patcher = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 7);
        var result = patcher.HeadZByLayerAndPosition().Single(r => r.Layer == layer && r.Head == head && r.Position == position);
        Assert.Equal("z", result.Component);
        Assert.Contains(patcher.HeadZByLayerAndPosition(), r => Math.Abs(r.Metric - patcher.CleanMetric) > 1e-4);
        AssertClose(Reference(HookName.Z(layer), z => z.narrow(1, position, 1).narrow(2, head, 1)), result.Metric, "z");
    }

    [Theory]
    [InlineData(HeadActivation.Z, "z")]
    [InlineData(HeadActivation.Q, "q")]
    [InlineData(HeadActivation.K, "k")]
    [InlineData(HeadActivation.V, "v")]
    [InlineData(HeadActivation.Pattern, "pattern")]
    public void Given_a_whole_head_activation_patched_then_the_metric_equals_a_hook_based_reference(HeadActivation which, string component)
    {
        using var patcher = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 3);
        var results = patcher.HeadByLayer(which);
        Assert.Equal(Model.Config.NLayers * Model.Config.NHeads, results.Count);
        Assert.All(results, r => Assert.Equal(component, r.Component));
        Assert.All(results, r => Assert.Null(r.Position));
        Assert.Contains(results, r => Math.Abs(r.Metric - patcher.CleanMetric) > 1e-4);
        int headDim = which == HeadActivation.Pattern ? 1 : 2;
        foreach (var (layer, head) in new[] { (0, 1), (1, 2) })
        {
            string hook = component switch
            {
                "z" => HookName.Z(layer),
                "q" => HookName.Q(layer),
                "k" => HookName.K(layer),
                "v" => HookName.V(layer),
                _ => HookName.Pattern(layer),
            };
            var result = results.Single(r => r.Layer == layer && r.Head == head);
            AssertClose(Reference(hook, a => a.narrow(headDim, head, 1)), result.Metric, $"{component} L{layer}H{head}");
        }
    }

    [Fact]
    public void Given_one_copy_per_run_then_results_equal_those_of_batched_runs()
    {
        using var batched = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 64);
        using var single = new ActivationPatcher(Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 1);
        var fast = batched.MlpOutByLayerAndPosition().Concat(batched.AttnOutByLayerAndPosition()).Concat(batched.HeadZByLayerAndPosition()).ToList();
        var slow = single.MlpOutByLayerAndPosition().Concat(single.AttnOutByLayerAndPosition()).Concat(single.HeadZByLayerAndPosition()).ToList();
        Assert.Equal(slow.Select(r => (r.Component, r.Layer, r.Position, r.Head)), fast.Select(r => (r.Component, r.Layer, r.Position, r.Head)));
        Assert.All(fast.Zip(slow), pair => AssertClose(pair.Second.Metric, pair.First.Metric, pair.First.ToString()));
    }

    [Fact]
    public void Given_an_attention_only_model_when_patching_mlp_outputs_then_it_is_refused_with_a_clear_message()
    {
        using var loaded = Load("tl-attn-only-2l-tiny");
        using var patcher = new ActivationPatcher(loaded.Model, _clean, _corrupted, LogitDifference);
        var e = Assert.Throws<InvalidOperationException>(() => patcher.MlpOutByLayerAndPosition());
        Assert.Contains("attention-only", e.Message);
    }

    [Fact]
    public void Given_prompts_of_different_shapes_then_the_patcher_is_refused()
    {
        using var shorter = _corrupted.narrow(1, 0, 5);
        var e = Assert.Throws<ArgumentException>(() => new ActivationPatcher(Model, _clean, shorter, LogitDifference));
        Assert.Contains("same shape", e.Message);
    }

    public void Dispose()
    {
        _clean.Dispose();
        _corrupted.Dispose();
        _loaded.Dispose();
    }

    /// <summary>The slow obvious way: cache the corrupted run, then one clean run whose hook copies the selected slice in.</summary>
    private double Reference(string hook, Func<Tensor, Tensor> select)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, cache) = Model.RunWithCache(_corrupted, [hook]);
        using (cache)
        {
            var logits = Model.RunWithHooks(_clean, [(hook, (activation, _) =>
            {
                var patched = activation.clone();
                select(patched).copy_(select(cache[hook]));
                return patched;
            })]); // [b, p, v]
            return LogitDifference(logits);
        }
    }
}
