using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// What the modern decoder loaders read from their configs beyond the reference logits (<see cref="ReferenceFixtureTests"/>):
/// newer transformers' keys, Qwen2's and Gemma 2's window rules, Gemma 2's extra hook points and which weight
/// processing applies to it.
/// </summary>
public sealed class ModernDecoderTests
{
    [Fact]
    public void Rope_parameters_and_dtype_of_newer_configs_read_as_rope_theta_rope_scaling_and_torch_dtype()
    {
        using var folder = FixturePaths.CopyModel("llama3-tiny");
        var path = folder.File("config.json");
        var json = JObject.Parse(File.ReadAllText(path));
        var old = HuggingFaceLlamaLayout.ReadConfig(json, path);
        var parameters = (JObject)json["rope_scaling"]!.DeepClone();
        parameters["rope_theta"] = json["rope_theta"];
        json["rope_parameters"] = parameters;
        json["dtype"] = json["torch_dtype"];
        foreach (var key in new[] { "rope_scaling", "rope_theta", "torch_dtype" })
        {
            json.Remove(key);
        }

        File.WriteAllText(path, json.ToString());
        Assert.Equal(old, HuggingFaceLlamaLayout.ReadConfig(json, path));
        Assert.True(old.UseNtkByPartsRope);
        Assert.Equal(500000, old.RotaryBase);
        using var expected = new FixtureExpectations(FixturePaths.Model("llama3-tiny"));
        using var loaded = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });
        using var noGrad = no_grad();
        ReferenceFixtureTests.AssertClose("logits", expected.Tensors["logits"], loaded.Model.Forward(expected.Tokens), expected.Atol);
    }

    [Fact]
    public void Qwen2_applies_its_sliding_window_only_with_use_sliding_window_and_from_max_window_layers_on()
    {
        using var folder = FixturePaths.CopyModel("qwen2-tiny");
        var path = folder.File("config.json");
        var json = JObject.Parse(File.ReadAllText(path));
        Assert.Null(HuggingFaceQwen2Layout.ReadConfig(json, path).AttnTypes);
        json["use_sliding_window"] = true;
        var windowed = HuggingFaceQwen2Layout.ReadConfig(json, path);
        Assert.Equal([AttentionType.Global, AttentionType.Local], windowed.AttnTypes!.Layers);
        Assert.Equal(4, windowed.WindowSize);
    }

    [Fact]
    public void Gemma_2_alternates_local_and_global_from_layer_0_unless_layer_types_says_otherwise()
    {
        using var folder = FixturePaths.CopyModel("gemma2-tiny");
        var path = folder.File("config.json");
        var json = JObject.Parse(File.ReadAllText(path));
        var config = HuggingFaceGemma2Layout.ReadConfig(json, path);
        Assert.Equal([AttentionType.Local, AttentionType.Global, AttentionType.Local], config.AttnTypes!.Layers);
        Assert.Equal(Math.Sqrt(12), config.AttnScale);
        Assert.Equal(16, config.DHead);
        json["layer_types"] = new JArray("full_attention", "full_attention", "sliding_attention");
        Assert.Equal([AttentionType.Global, AttentionType.Global, AttentionType.Local], HuggingFaceGemma2Layout.ReadConfig(json, path).AttnTypes!.Layers);
    }

    [Fact]
    public void Gemma_2_has_hook_points_for_its_sandwich_norms_and_hook_attn_out_is_after_the_post_attention_norm()
    {
        using var expected = new FixtureExpectations(FixturePaths.Model("gemma2-tiny"));
        using var loaded = ModelLoader.Load(FixturePaths.Model("gemma2-tiny"), new LoadOptions { Processing = ProcessingOptions.None });
        var model = loaded.Model;
        foreach (var name in new[] { "ln1_post.hook_scale", "ln1_post.hook_normalized", "ln2_post.hook_scale", "ln2_post.hook_normalized" })
        {
            Assert.Contains($"blocks.2.{name}", model.HookNames);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, cache) = model.RunWithCache(expected.Tokens, [HookName.AttnOut(0), "blocks.0.ln1_post.hook_normalized", HookName.MlpOut(0), "blocks.0.ln2_post.hook_normalized", HookName.AttnScores(0)]);
        using (cache)
        {
            Assert.Equal(0f, (cache[HookName.AttnOut(0)] - cache["blocks.0.ln1_post.hook_normalized"]).abs().max().item<float>());
            Assert.Equal(0f, (cache[HookName.MlpOut(0)] - cache["blocks.0.ln2_post.hook_normalized"]).abs().max().item<float>());
            var scores = cache[HookName.AttnScores(0)];
            var finite = scores.masked_select(scores.isfinite());
            Assert.True(finite.abs().max().item<float>() <= 3f, "scores are soft-capped at attn_logit_softcapping = 3");
            Assert.True(scores.isinf().any().item<bool>(), "the window and the causal mask block keys after the cap");
        }
    }

    [Fact]
    public void Gemma_2_processing_folds_the_pre_norms_only_and_neither_centres_the_unembedding_nor_folds_value_biases()
    {
        using var loaded = ModelLoader.Load(FixturePaths.Model("gemma2-tiny"));
        Assert.True(loaded.Processing.FoldLn);
        Assert.False(loaded.Processing.CenterUnembed); // c·tanh(l / c) is not invariant to a constant per position
        Assert.False(loaded.Processing.FoldValueBiases); // it would move value-bias shares between head nodes
        Assert.False(loaded.Processing.CenterWritingWeights); // RMS models never
        Assert.Equal(NormalizationType.RMSPre, loaded.Model.Config.NormalizationType);
        Assert.NotNull(loaded.Model.Blocks[0].Ln1Post!.Weight);
        Assert.NotNull(loaded.Model.Blocks[0].Ln2Post!.Weight);
        Assert.Null(loaded.Model.Blocks[0].Ln1!.Weight);
    }

    [Fact]
    public void Phi_3_rotates_the_first_partial_rotary_factor_of_each_head_and_Mistral_windows_every_layer()
    {
        using var phi3 = ModelLoader.Load(FixturePaths.Model("phi3-tiny"));
        Assert.Equal(12, phi3.Model.Config.EffectiveRotaryDim);
        Assert.Equal("huggingface-phi3", phi3.Layout);
        using var mistral = ModelLoader.Load(FixturePaths.Model("mistral-tiny"));
        Assert.All(mistral.Model.Config.AttnTypes!.Layers, t => Assert.Equal(AttentionType.Local, t));
        Assert.Equal(5, mistral.Model.Config.WindowSize);
    }
}
