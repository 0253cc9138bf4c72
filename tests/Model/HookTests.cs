using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

public sealed class HookTests : IDisposable
{
    private readonly LoadedModel _loaded = ModelLoader.Load(FixturePaths.Model("tl-gelu-2l-tiny"), new LoadOptions { Processing = ProcessingOptions.None });
    private readonly Tensor _tokens = tensor(new long[] { 10, 69, 10, 25, 30, 37, 103, 42 }).unsqueeze(0);

    private HookedTransformer Model => _loaded.Model;

    [Fact]
    public void Given_a_replacing_hook_when_running_then_the_output_changes_and_no_hook_remains()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = Model.Forward(_tokens);
        var patched = Model.RunWithHooks(_tokens, [(HookName.Z(0), (z, _) => zeros_like(z))]);
        Assert.True((plain - patched).abs().max().item<float>() > 1e-3);
        Assert.Equal(0, Model.AttachedHookCount);
        var again = Model.Forward(_tokens);
        Assert.True((plain - again).abs().max().item<float>() == 0);
    }

    [Fact]
    public void Given_a_replacing_hook_when_caching_downstream_then_the_cache_sees_the_replacement()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var handle = Model.AddHook(HookName.AttnOut(1), (a, _) => zeros_like(a));
        var (_, cache) = Model.RunWithCache(_tokens, [HookName.ResidMid(1), HookName.ResidPre(1)]);
        using (cache)
        {
            Assert.True((cache[HookName.ResidMid(1)] - cache[HookName.ResidPre(1)]).abs().max().item<float>() == 0);
        }
    }

    [Fact]
    public void Given_a_hook_that_throws_when_running_then_the_error_surfaces_and_no_hook_remains()
    {
        using var noGrad = no_grad();
        Assert.Throws<InvalidOperationException>(() =>
            Model.RunWithHooks(_tokens, [(HookName.Pattern(0), (_, _) => null), (HookName.MlpPost(1), (_, _) => throw new InvalidOperationException("boom"))]));
        Assert.Equal(0, Model.AttachedHookCount);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var handle = Model.AddHook(HookName.Q(1), (_, _) => throw new InvalidOperationException("boom"));
            Model.RunWithCache(_tokens).Cache.Dispose();
        });
        Assert.Equal(0, Model.AttachedHookCount);
    }

    [Fact]
    public void Given_a_hook_returning_the_wrong_shape_when_running_then_it_is_rejected_naming_the_hook()
    {
        using var noGrad = no_grad();
        var e = Assert.Throws<InvalidOperationException>(() => Model.RunWithHooks(_tokens, [(HookName.ResidPre(0), (_, _) => zeros(1, 1))]));
        Assert.Contains("blocks.0.hook_resid_pre", e.Message);
        Assert.Equal(0, Model.AttachedHookCount);
    }

    [Fact]
    public void Given_an_unknown_hook_name_when_adding_then_the_nearest_name_is_suggested()
    {
        var e = Assert.Throws<BadInputException>(() => Model.AddHook("blocks.0.attn.hook_zz", (_, _) => null));
        Assert.Contains("blocks.0.attn.hook_z", e.Message);
    }

    [Fact]
    public void Given_the_hook_list_then_it_has_every_TransformerLens_hook_of_the_architecture()
    {
        string[] expected =
        [
            "hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre", "blocks.0.ln1.hook_scale", "blocks.0.ln1.hook_normalized",
            "blocks.0.hook_q_input", "blocks.0.hook_k_input", "blocks.0.hook_v_input", "blocks.0.attn.hook_q", "blocks.0.attn.hook_k",
            "blocks.0.attn.hook_v", "blocks.0.attn.hook_z", "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern",
            "blocks.0.attn.hook_result", "blocks.0.hook_attn_out", "blocks.0.hook_resid_mid", "blocks.0.ln2.hook_scale",
            "blocks.0.mlp.hook_pre", "blocks.0.mlp.hook_post", "blocks.0.hook_mlp_out", "blocks.0.hook_resid_post",
            "blocks.1.hook_resid_post", "ln_final.hook_scale", "ln_final.hook_normalized",
        ];
        Assert.All(expected, name => Assert.Contains(name, Model.HookNames));
        Assert.Equal("blocks.0.hook_resid_pre", Model.HookNames[2]);
    }

    [Fact]
    public void Given_all_hooks_cached_then_shapes_are_those_of_TransformerLens()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, cache) = Model.RunWithCache(_tokens);
        using (cache)
        {
            // per-head results and q/k/v inputs are materialised only when asked for (TransformerLens' use_attn_result, use_split_qkv_input)
            Assert.Equal(Model.HookNames.Count(n => !n.EndsWith("hook_result", StringComparison.Ordinal) && !n.EndsWith("_input", StringComparison.Ordinal) && !n.EndsWith("hook_mlp_in", StringComparison.Ordinal)), cache.Count);
            Assert.False(cache.ContainsKey(HookName.Result(0)));
            Assert.Equal(new long[] { 1, 8, 4, 8 }, cache[HookName.Z(0)].shape);
            Assert.Equal(new long[] { 1, 4, 8, 8 }, cache[HookName.Pattern(1)].shape);
            Assert.Equal(new long[] { 1, 4, 8, 8 }, cache[HookName.AttnScores(1)].shape);
            Assert.Equal(new long[] { 1, 8, 1 }, cache[HookName.Ln1Scale(0)].shape);
            Assert.Equal(new long[] { 1, 8, 128 }, cache[HookName.MlpPost(1)].shape);
        }
    }

    [Fact]
    public void Given_per_head_results_then_they_sum_to_the_attention_output_less_the_bias()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, cache) = Model.RunWithCache(_tokens, [HookName.Result(1), HookName.AttnOut(1)], options: new ModelRunOptions { UseAttnResult = true });
        using (cache)
        {
            var bO = Model.Blocks[1].Attn.b_O;
            var diff = (cache[HookName.Result(1)].sum(2) + bO - cache[HookName.AttnOut(1)]).abs().max().item<float>();
            Assert.True(diff < 1e-5, $"max diff {diff}");
        }
    }

    [Fact]
    public void Given_split_qkv_inputs_then_logits_are_unchanged_and_inputs_have_a_head_axis()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = Model.Forward(_tokens);
        var (split, cache) = Model.RunWithCache(
            _tokens,
            [HookName.QInput(0), HookName.VInput(1), HookName.Ln1Normalized(0), HookName.Ln1Scale(1), HookName.Q(0), HookName.Z(1)],
            options: new ModelRunOptions { UseSplitQkvInput = true });
        using (cache)
        {
            Assert.Equal(new long[] { 1, 8, 4, 32 }, cache[HookName.QInput(0)].shape);
            // TransformerLens' shapes also where the heads compute head-major: ln1 on the split inputs has a head axis at 2
            Assert.Equal(new long[] { 1, 8, 4, 32 }, cache[HookName.Ln1Normalized(0)].shape);
            Assert.Equal(new long[] { 1, 8, 4, 1 }, cache[HookName.Ln1Scale(1)].shape);
            Assert.Equal(new long[] { 1, 8, 4, 8 }, cache[HookName.Q(0)].shape);
            Assert.Equal(new long[] { 1, 8, 4, 8 }, cache[HookName.Z(1)].shape);
            Assert.True((plain - split).abs().max().item<float>() < 1e-5);
        }
    }

    [Fact]
    public void Given_a_patched_key_input_of_one_head_then_only_that_heads_pattern_changes()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, clean) = Model.RunWithCache(_tokens, [HookName.Pattern(1)]);
        var (_, patched) = Model.RunWithCache(
            _tokens,
            [HookName.Pattern(1)],
            options: new ModelRunOptions { UseSplitQkvInput = true });
        using var handle = Model.AddHook(HookName.KInput(1), (k, _) =>
        {
            var copy = k.clone();
            copy[TensorIndex.Colon, TensorIndex.Colon, 2] = zeros_like(copy[TensorIndex.Colon, TensorIndex.Colon, 2]);
            return copy;
        });
        var (_, hooked) = Model.RunWithCache(_tokens, [HookName.Pattern(1)]);
        using (clean)
        using (patched)
        using (hooked)
        {
            var delta = (hooked[HookName.Pattern(1)] - patched[HookName.Pattern(1)]).abs().amax([0, 2, 3]); // [head]
            var perHead = delta.data<float>().ToArray();
            Assert.True(perHead[2] > 1e-3, $"head 2 moved {perHead[2]}");
            Assert.All(new[] { perHead[0], perHead[1], perHead[3] }, d => Assert.True(d < 1e-6, $"another head moved {d}"));
        }
    }

    [Fact]
    public void Given_right_padding_with_a_mask_then_real_positions_are_unchanged()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = Model.Forward(_tokens);
        var padded = cat([_tokens, zeros(1, 3, ScalarType.Int64)], 1);
        var mask = cat([ones(1, 8, ScalarType.Int64), zeros(1, 3, ScalarType.Int64)], 1);
        var logits = Model.Forward(padded, mask).narrow(1, 0, 8);
        Assert.True((plain - logits).abs().max().item<float>() < 1e-5);
    }

    public void Dispose()
    {
        _tokens.Dispose();
        _loaded.Dispose();
    }
}
