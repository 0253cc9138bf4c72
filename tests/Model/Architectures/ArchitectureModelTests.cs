using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// GPT-NeoX, GPT-Neo and Llama semantics beyond the reference logits: grouped-query attention kept grouped and equal to
/// its ungrouped copy, rotary hooks, local attention windows, the Llama loader (single file and sharded) against the
/// model it was written from, and config round trips.
/// </summary>
public sealed class ArchitectureModelTests
{
    private static readonly long[] Tokens = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7];

    [Fact]
    public void Grouped_query_attention_equals_the_same_model_with_key_value_heads_repeated()
    {
        using var grouped = RandomWeights.CreateModel(HuggingFaceLlamaFolder.Config, seed: 11, std: 0.3);
        var ungroupedConfig = HuggingFaceLlamaFolder.Config with { NKeyValueHeads = null };
        var weights = grouped.ToStateDict();
        foreach (var key in weights.Keys.Where(k => k.EndsWith("_K", StringComparison.Ordinal) || k.EndsWith("_V", StringComparison.Ordinal)).ToList())
        {
            weights[key] = weights[key].repeat_interleave(grouped.Config.KeyValueGroupSize, 0).DetachFromDisposeScope(); // [h, ...]
        }

        using var ungrouped = HookedTransformer.Create(ungroupedConfig, weights, "ungrouped copy");
        Assert.Equal([2L, 16, 4], grouped.Blocks[0].Attn._W_K.shape);
        Assert.Equal([4L, 16, 4], grouped.Blocks[0].Attn.W_K.shape); // TransformerLens' W_K: per query head
        Assert.True(grouped.ParameterCount < ungrouped.ParameterCount);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(Tokens).view(2, 5);
        var (expected, expectedCache) = ungrouped.RunWithCache(tokens, [HookName.Z(1), HookName.Pattern(1)]);
        var (actual, actualCache) = grouped.RunWithCache(tokens, [HookName.Z(1), HookName.Pattern(1), HookName.K(1), HookName.RotK(1), HookName.RotQ(1)]);
        using (expectedCache)
        using (actualCache)
        {
            ReferenceFixtureTests.AssertClose("logits", expected, actual, 1e-5);
            ReferenceFixtureTests.AssertClose("hook_z", expectedCache[HookName.Z(1)], actualCache[HookName.Z(1)], 1e-5);
            ReferenceFixtureTests.AssertClose("hook_pattern", expectedCache[HookName.Pattern(1)], actualCache[HookName.Pattern(1)], 1e-5);
            Assert.Equal([2L, 5, 2, 4], actualCache[HookName.K(1)].shape); // one key per key/value head, as TransformerLens
            Assert.Equal([2L, 5, 2, 4], actualCache[HookName.RotK(1)].shape);
            Assert.Equal([2L, 5, 4, 4], actualCache[HookName.RotQ(1)].shape);
        }

        var split = grouped.Forward(tokens, options: new ModelRunOptions { UseSplitQkvInput = true, UseAttnResult = true });
        ReferenceFixtureTests.AssertClose("per-query-head inputs", expected, split, 1e-5);
        foreach (var t in weights.Values)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void A_HuggingFace_Llama_folder_loads_back_into_the_model_it_was_written_from()
    {
        using var folder = new TemporaryFolder();
        using var original = HuggingFaceLlamaFolder.Write(folder.Path, seed: 5);
        using var loaded = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });
        using var processed = ModelLoader.Load(folder.Path);
        Assert.Equal("huggingface-llama", loaded.Layout);
        Assert.Equal(original.Config with { ModelName = "x", RotaryDim = 4 }, loaded.Model.Config with { ModelName = "x", OriginalArchitecture = null });
        Assert.Equal(NormalizationType.RMSPre, processed.Model.Config.NormalizationType);
        Assert.False(processed.Processing.CenterWritingWeights); // no centring for RMS models
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(Tokens).unsqueeze(0);
        var expected = original.Forward(tokens);
        ReferenceFixtureTests.AssertClose("logits", expected, loaded.Model.Forward(tokens), 1e-5);
        ReferenceFixtureTests.AssertClose("log-probabilities", expected.log_softmax(-1), processed.Model.Forward(tokens).log_softmax(-1), 1e-4);
    }

    [Fact]
    public void A_grouped_query_model_saved_in_the_TransformerLens_layout_loads_back_with_TransformerLens_key_names()
    {
        using var model = RandomWeights.CreateModel(HuggingFaceLlamaFolder.Config, seed: 8, std: 0.3);
        using var folder = new TemporaryFolder();
        TransformerLensSaver.Save(model, folder.Path);
        using (var saved = SafetensorsReader.Read(folder.File("model.safetensors")))
        {
            Assert.Equal([2L, 16, 4], saved["blocks.0.attn._W_K"].shape);
            Assert.False(saved.ContainsKey("blocks.0.attn.W_K"));
        }

        using var loaded = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });
        Assert.Equal(model.Config with { RotaryDim = 4 }, loaded.Model.Config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(Tokens).unsqueeze(0);
        Assert.Equal(0f, (model.Forward(tokens) - loaded.Model.Forward(tokens)).abs().max().item<float>());
    }

    [Fact]
    public void A_sharded_checkpoint_with_an_index_loads_like_the_single_file()
    {
        using var folder = new TemporaryFolder();
        using var original = HuggingFaceLlamaFolder.Write(folder.Path, seed: 6);
        var map = new JObject();
        using (var all = SafetensorsReader.Read(folder.File("model.safetensors")))
        {
            var keys = all.Keys.Order(StringComparer.Ordinal).ToList();
            var shards = new[] { keys.Where((_, i) => i % 2 == 0), keys.Where((_, i) => i % 2 == 1) };
            for (int s = 0; s < 2; s++)
            {
                string name = $"model-0000{s + 1}-of-00002.safetensors";
                SafetensorsWriter.Write(folder.File(name), shards[s].ToDictionary(k => k, k => all[k]));
                foreach (var key in shards[s])
                {
                    map[key] = name;
                }
            }
        }

        File.Delete(folder.File("model.safetensors"));
        File.WriteAllText(folder.File("model.safetensors.index.json"), new JObject { ["metadata"] = new JObject(), ["weight_map"] = map }.ToString());
        using var loaded = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });
        Assert.EndsWith("model.safetensors.index.json", loaded.WeightsFile);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(Tokens).unsqueeze(0);
        ReferenceFixtureTests.AssertClose("logits", original.Forward(tokens), loaded.Model.Forward(tokens), 1e-5);

        map["model.norm.weight"] = "model-00003-of-00002.safetensors";
        File.WriteAllText(folder.File("model.safetensors.index.json"), new JObject { ["weight_map"] = map }.ToString());
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose());
        Assert.Contains("model-00003-of-00002.safetensors", e.Message);
    }

    [Fact]
    public void GPT_Neo_local_layers_attend_only_within_the_window()
    {
        using var loaded = ModelLoader.Load(FixturePaths.Model("gpt-neo-tiny"));
        Assert.False(loaded.Model.Config.IsLocalAttention(0));
        Assert.True(loaded.Model.Config.IsLocalAttention(1));
        Assert.Equal(5, loaded.Model.Config.WindowSize);
        Assert.False(loaded.Model.Config.UseAttnScale);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = arange(0, 12, ScalarType.Int64).unsqueeze(0);
        var (_, cache) = loaded.Model.RunWithCache(tokens, [HookName.Pattern(0), HookName.Pattern(1)]);
        using (cache)
        {
            var far = ones(12, 12, ScalarType.Bool).tril(-5); // i − j ≥ 5
            Assert.Equal(0f, cache[HookName.Pattern(1)][0].masked_select(far.unsqueeze(0).expand(4, 12, 12)).abs().max().item<float>());
            Assert.True(cache[HookName.Pattern(0)][0].masked_select(far.unsqueeze(0).expand(4, 12, 12)).abs().max().item<float>() > 0);
        }
    }

    [Fact]
    public void Pythia_rotates_only_the_first_rotary_pct_of_each_head()
    {
        using var loaded = ModelLoader.Load(FixturePaths.Model("pythia-tiny"), new LoadOptions { Processing = ProcessingOptions.None });
        var c = loaded.Model.Config;
        Assert.Equal((PositionalEmbeddingType.Rotary, 4, 16, true), (c.PositionalEmbeddingType, c.EffectiveRotaryDim, c.DHead, c.ParallelAttnMlp));
        Assert.Contains(HookName.RotQ(1), loaded.Model.HookNames);
        Assert.Null(loaded.Model.PosEmbed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = arange(0, 8, ScalarType.Int64).unsqueeze(0);
        var (_, cache) = loaded.Model.RunWithCache(tokens, [HookName.Q(0), HookName.RotQ(0)]);
        using (cache)
        {
            var q = cache[HookName.Q(0)];
            var rotated = cache[HookName.RotQ(0)];
            Assert.Equal(0f, (q.narrow(-1, 4, 12) - rotated.narrow(-1, 4, 12)).abs().max().item<float>());
            Assert.Equal(0f, (q[0, 0] - rotated[0, 0]).abs().max().item<float>()); // position 0: no rotation
            Assert.True((q[0, 3].narrow(-1, 0, 4) - rotated[0, 3].narrow(-1, 0, 4)).abs().max().item<float>() > 1e-4);
        }
    }

    [Fact]
    public void GPT2_scale_attn_by_inverse_layer_idx_divides_layer_l_scores_by_l_plus_1()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        var json = JObject.Parse(File.ReadAllText(folder.File("config.json")));
        json["scale_attn_by_inverse_layer_idx"] = true;
        File.WriteAllText(folder.File("config.json"), json.ToString());
        using var plain = ModelLoader.Load(FixturePaths.Model("gpt2-tiny"), new LoadOptions { Processing = ProcessingOptions.None });
        using var scaled = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });
        Assert.True(scaled.Model.Config.ScaleAttnByInverseLayerIdx);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(Tokens).unsqueeze(0);
        string[] names = [HookName.ResidPre(1), HookName.AttnScores(0), HookName.AttnScores(1)];
        var (_, a) = plain.Model.RunWithCache(tokens, names);
        using (a)
        {
            // layer 1 of the scaled model, fed the plain model's residual stream, must score exactly half (layer 0: the same)
            var residual = a[HookName.ResidPre(1)];
            using var replaced = scaled.Model.AddHook(HookName.ResidPre(1), (_, _) => residual.clone());
            var (_, b) = scaled.Model.RunWithCache(tokens, names);
            using (b)
            {
                var allowed = a[HookName.AttnScores(0)].isfinite(); // the causal mask's −∞ aside
                ReferenceFixtureTests.AssertClose("layer 0 scores", a[HookName.AttnScores(0)].masked_select(allowed), b[HookName.AttnScores(0)].masked_select(allowed), 1e-6);
                ReferenceFixtureTests.AssertClose("layer 1 scores / 2", (a[HookName.AttnScores(1)] / 2).masked_select(allowed), b[HookName.AttnScores(1)].masked_select(allowed), 1e-5);
            }
        }
    }

    [Fact]
    public void New_config_fields_survive_the_TransformerLens_json_round_trip()
    {
        var neo = new HookedTransformerConfig
        {
            NLayers = 2, DModel = 8, NHeads = 2, DHead = 4, DMlp = 16, DVocab = 10, NCtx = 8, UseAttnScale = false,
            AttnTypes = new AttentionLayerTypes([AttentionType.Global, AttentionType.Local]), WindowSize = 3,
        }.Validate("neo");
        var neox = new HookedTransformerConfig
        {
            NLayers = 1, DModel = 8, NHeads = 2, DHead = 4, DMlp = 16, DVocab = 10, NCtx = 8, ParallelAttnMlp = true,
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary, RotaryDim = 2, RotaryBase = 500,
        }.Validate("neox");
        foreach (var config in new[] { neo, neox, HuggingFaceLlamaFolder.Config, Patching.ModernDecoders.Gemma2(new Random(1), 1), Patching.ModernDecoders.Qwen2OrLlama3(new Random(2), 2) })
        {
            var json = ConfigJson.ToTransformerLens(config);
            Assert.Equal(config with { RotaryDim = config.RotaryDim ?? (config.EffectiveRotaryDim == 0 ? null : config.EffectiveRotaryDim) }, ConfigJson.FromTransformerLens(json, "round trip"));
        }
    }
}
