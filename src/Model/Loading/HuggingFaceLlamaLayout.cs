using System.Text.RegularExpressions;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Llama (<c>model_type</c> llama): RMSNorm, rotary embeddings over the whole head (rotate-half form,
/// <c>rope_theta</c>), a SwiGLU MLP (<c>gate_proj</c>, <c>up_proj</c>, <c>down_proj</c>), no biases unless
/// <c>attention_bias</c> / <c>mlp_bias</c>, and grouped-query attention (<c>num_key_value_heads</c>) kept grouped: the
/// <c>k_proj</c>/<c>v_proj</c> heads become <c>W_K</c>/<c>W_V [n_key_value_heads, d_model, d_head]</c>, never repeated.
/// <c>lm_head</c> may be tied to <c>embed_tokens</c> and absent; <c>rotary_emb.inv_freq</c> buffers are ignored.
/// Converted as TransformerLens' <c>convert_llama_weights</c>.
/// </summary>
public sealed partial class HuggingFaceLlamaLayout : ICheckpointLayout
{
    public string Name => "huggingface-llama";

    public bool Recognises(JObject config) =>
        (string?)config["model_type"] == "llama"
        || (config["architectures"] as JArray)?.Any(a => (string?)a is "LlamaForCausalLM" or "LlamaModel") == true;

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        var config = ReadConfig(json, Path.Combine(folder, "config.json"));
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        bool tied = json.Value<bool?>("tie_word_embeddings") ?? false;
        var read = new JsonFields(json, Path.Combine(folder, "config.json"));
        bool attentionBias = read.OptionalBool("attention_bias") ?? false, mlpBias = read.OptionalBool("mlp_bias") ?? false;
        return new ConvertedCheckpoint(config, Convert(config, checkpoint, tied, attentionBias, mlpBias), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        int d = read.Int("hidden_size"), heads = read.Int("num_attention_heads");
        int e = read.OptionalInt("head_dim") ?? HuggingFaceConfigFields.HeadDimension(source, d, "hidden_size", heads, "num_attention_heads");
        int kv = read.OptionalInt("num_key_value_heads") ?? heads;
        if (kv <= 0 || heads % kv != 0)
        {
            throw new BadInputException($"{source}: num_key_value_heads ({kv}) does not divide num_attention_heads ({heads})");
        }

        if (read.Has("rope_scaling"))
        {
            throw new BadInputException($"{source}: rope_scaling is not supported (only plain rotary embeddings)");
        }

        string act = read.OptionalString("hidden_act") ?? "silu";
        if (act is not ("silu" or "swish"))
        {
            throw new BadInputException($"{source}: hidden_act '{act}' is not supported for Llama models (expected silu)");
        }

        return new HookedTransformerConfig
        {
            NLayers = read.Int("num_hidden_layers"),
            DModel = d,
            NHeads = heads,
            DHead = e,
            DMlp = read.Int("intermediate_size"),
            DVocab = read.Int("vocab_size"),
            NCtx = read.Int("max_position_embeddings"),
            ActFn = ActivationFunction.Silu,
            GatedMlp = true,
            NormalizationType = NormalizationType.RMS,
            Eps = read.OptionalDouble("rms_norm_eps") ?? 1e-6,
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            RotaryDim = e,
            RotaryBase = read.OptionalDouble("rope_theta") ?? 10000,
            NKeyValueHeads = kv == heads ? null : kv,
            ModelName = HuggingFaceConfigFields.ModelName(read, "llama"),
            OriginalArchitecture = "LlamaForCausalLM",
        }.Validate(source);
    }

    private static Dictionary<string, Tensor> Convert(HookedTransformerConfig c, HuggingFaceCheckpoint raw, bool tied, bool attentionBias, bool mlpBias)
    {
        long d = c.DModel, h = c.NHeads, kv = c.EffectiveNKeyValueHeads, e = c.DHead, m = c.DMlp, v = c.DVocab;
        string prefix = raw.Contains("model.embed_tokens.weight") ? "model." : string.Empty;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        Tensor Bias(string key, long heads) => attentionBias ? raw.Get(key, heads * e).view(heads, e).clone() : zeros(heads, e);
        w["embed.W_E"] = raw.Get($"{prefix}embed_tokens.weight", v, d).clone();
        for (int l = 0; l < c.NLayers; l++)
        {
            string hf = $"{prefix}layers.{l}.", tl = $"blocks.{l}.";
            w[tl + "ln1.w"] = raw.Get(hf + "input_layernorm.weight", d).clone();
            foreach (var (name, hfName, heads) in new[] { ("Q", "q_proj", h), ("K", "k_proj", kv), ("V", "v_proj", kv) })
            {
                var weight = raw.Get(hf + $"self_attn.{hfName}.weight", heads * e, d); // [heads*e, d], Linear [out, in]
                w[tl + $"attn.W_{name}"] = weight.view(heads, e, d).permute(0, 2, 1).contiguous(); // [heads, d, e]
                w[tl + $"attn.b_{name}"] = Bias(hf + $"self_attn.{hfName}.bias", heads);
            }

            w[tl + "attn.W_O"] = raw.Get(hf + "self_attn.o_proj.weight", d, h * e).t().reshape(h, e, d).contiguous(); // [h, e, d]
            w[tl + "attn.b_O"] = attentionBias ? raw.Get(hf + "self_attn.o_proj.bias", d).clone() : zeros(d);
            w[tl + "ln2.w"] = raw.Get(hf + "post_attention_layernorm.weight", d).clone();
            w[tl + "mlp.W_gate"] = raw.Get(hf + "mlp.gate_proj.weight", m, d).t().contiguous(); // [d, m]
            w[tl + "mlp.W_in"] = raw.Get(hf + "mlp.up_proj.weight", m, d).t().contiguous(); // [d, m]
            w[tl + "mlp.b_in"] = mlpBias ? raw.Get(hf + "mlp.up_proj.bias", m).clone() : zeros(m);
            w[tl + "mlp.W_out"] = raw.Get(hf + "mlp.down_proj.weight", d, m).t().contiguous(); // [m, d]
            w[tl + "mlp.b_out"] = mlpBias ? raw.Get(hf + "mlp.down_proj.bias", d).clone() : zeros(d);
            if (mlpBias && raw.Contains(hf + "mlp.gate_proj.bias"))
            {
                throw new BadInputException($"{raw.File}: key '{hf}mlp.gate_proj.bias': a bias on the gate is not supported");
            }
        }

        w["ln_final.w"] = raw.Get($"{prefix}norm.weight", d).clone();
        var unembed = raw.Contains("lm_head.weight") || !tied ? raw.Get("lm_head.weight", v, d) : w["embed.W_E"];
        w["unembed.W_U"] = unembed.t().contiguous(); // [d, v]
        w["unembed.b_U"] = zeros(v);
        raw.RejectUnused(IgnoredBuffer(), "Llama");
        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    [GeneratedRegex(@"^(model\.)?layers\.\d+\.self_attn\.rotary_emb\.inv_freq$")]
    private static partial Regex IgnoredBuffer();
}
