using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// Writes a random Llama model (grouped-query attention, RMSNorm, rotary, SwiGLU) as a HuggingFace folder —
/// <c>config.json</c> and <c>model.safetensors</c> with HF key names and <c>[out, in]</c> Linear weights, the inverse of
/// TransformerLens' conversion — so that the Llama loader can be checked against the model it came from.
/// </summary>
internal static class HuggingFaceLlamaFolder
{
    public static HookedTransformerConfig Config { get; } = new HookedTransformerConfig
    {
        NLayers = 2,
        DModel = 16,
        NHeads = 4,
        NKeyValueHeads = 2,
        DHead = 4,
        DMlp = 24,
        DVocab = 40,
        NCtx = 12,
        ActFn = ActivationFunction.Silu,
        GatedMlp = true,
        NormalizationType = NormalizationType.RMS,
        PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
        RotaryBase = 10000,
        Eps = 1e-5,
    }.Validate("test llama");

    /// <summary>The config.json of <see cref="Config"/> in HuggingFace keys.</summary>
    public static JObject ConfigJson() => new()
    {
        ["architectures"] = new JArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = Config.DModel,
        ["intermediate_size"] = Config.DMlp,
        ["num_hidden_layers"] = Config.NLayers,
        ["num_attention_heads"] = Config.NHeads,
        ["num_key_value_heads"] = Config.NKeyValueHeads,
        ["vocab_size"] = Config.DVocab,
        ["max_position_embeddings"] = Config.NCtx,
        ["rms_norm_eps"] = Config.Eps,
        ["rope_theta"] = Config.RotaryBase,
        ["hidden_act"] = "silu",
        ["tie_word_embeddings"] = false,
    };

    /// <summary>The HF state dict of <paramref name="model"/> (owned by the caller).</summary>
    public static Dictionary<string, Tensor> StateDict(HookedTransformer model)
    {
        using var noGrad = no_grad();
        var c = model.Config;
        long d = c.DModel, e = c.DHead;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = model.Embed.W_E.clone(),
            ["model.norm.weight"] = model.LnFinal!.named_parameters().Single().parameter.clone(),
            ["lm_head.weight"] = model.Unembed.W_U.t().contiguous(),
        };
        for (int l = 0; l < c.NLayers; l++)
        {
            var block = model.Blocks[l];
            string p = $"model.layers.{l}.";
            Tensor Linear(Tensor tl) => tl.permute(0, 2, 1).reshape(-1, d).contiguous(); // [heads, d, e] -> [heads*e, d]
            w[p + "input_layernorm.weight"] = block.Ln1!.named_parameters().Single().parameter.clone();
            w[p + "post_attention_layernorm.weight"] = block.Ln2!.named_parameters().Single().parameter.clone();
            w[p + "self_attn.q_proj.weight"] = Linear(block.Attn.W_Q);
            w[p + "self_attn.k_proj.weight"] = Linear(block.Attn._W_K);
            w[p + "self_attn.v_proj.weight"] = Linear(block.Attn._W_V);
            w[p + "self_attn.o_proj.weight"] = block.Attn.W_O.reshape(-1, d).t().contiguous(); // [d, h*e]
            w[p + "self_attn.rotary_emb.inv_freq"] = arange(0, e, 2).to(ScalarType.Float32); // a buffer loaders must skip
            w[p + "mlp.gate_proj.weight"] = block.MlpModule!.W_gate!.t().contiguous();
            w[p + "mlp.up_proj.weight"] = block.MlpModule.W_in.t().contiguous();
            w[p + "mlp.down_proj.weight"] = block.MlpModule.W_out.t().contiguous();
        }

        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    /// <summary>A random model with zero biases (Llama has none), written into <paramref name="folder"/>.</summary>
    public static HookedTransformer Write(string folder, int seed)
    {
        var model = RandomWeights.CreateModel(Config, seed, std: 0.3);
        using (var noGrad = no_grad())
        {
            foreach (var (name, p) in model.named_parameters())
            {
                if (name.Split('.')[^1].StartsWith("b_", StringComparison.Ordinal))
                {
                    p.zero_();
                }
            }
        }

        model.InvalidateDerivedWeights();
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson().ToString());
        var state = StateDict(model);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), state);
        foreach (var t in state.Values)
        {
            t.Dispose();
        }

        return model;
    }
}
