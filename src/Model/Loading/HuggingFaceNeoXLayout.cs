using System.Text.RegularExpressions;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace GPT-NeoX / Pythia (<c>model_type</c> gpt_neox): <c>query_key_value</c> laid out per head as
/// <c>[q_h, k_h, v_h]</c> blocks (the output viewed as <c>[n_heads, 3, d_head]</c>), rotary embeddings on the first
/// <c>rotary_pct</c> of each head's dims, parallel attention and MLP (<c>use_parallel_residual</c>), an untied
/// <c>embed_out</c>; the <c>attention.bias</c>, <c>attention.masked_bias</c> and <c>rotary_emb.inv_freq</c> buffers are
/// ignored. Converted as TransformerLens' <c>convert_neox_weights</c>.
/// </summary>
public sealed partial class HuggingFaceNeoXLayout : ICheckpointLayout
{
    public string Name => "huggingface-gpt-neox";

    public bool Recognises(JObject config) =>
        (string?)config["model_type"] == "gpt_neox"
        || (config["architectures"] as JArray)?.Any(a => (string?)a is "GPTNeoXForCausalLM" or "GPTNeoXModel") == true;

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        var config = ReadConfig(json, Path.Combine(folder, "config.json"));
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        bool tied = json.Value<bool?>("tie_word_embeddings") ?? false;
        return new ConvertedCheckpoint(config, Convert(config, checkpoint, tied), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        int d = read.Int("hidden_size"), heads = read.Int("num_attention_heads");
        int e = HuggingFaceConfigFields.HeadDimension(source, d, "hidden_size", heads, "num_attention_heads");
        double pct = read.OptionalDouble("rotary_pct") ?? 0.25; // HuggingFace's default
        if (!(pct > 0 && pct <= 1))
        {
            throw new BadInputException($"{source}: rotary_pct must be in (0, 1], got {pct}");
        }

        int rotaryDim = (int)(e * pct);
        if (rotaryDim < 2 || rotaryDim % 2 != 0)
        {
            throw new BadInputException($"{source}: rotary_pct {pct} of d_head {e} gives {rotaryDim} rotary dims; an even number ≥ 2 is needed");
        }

        if (read.Has("rope_scaling"))
        {
            throw new BadInputException($"{source}: rope_scaling is not supported");
        }

        return new HookedTransformerConfig
        {
            NLayers = read.Int("num_hidden_layers"),
            DModel = d,
            NHeads = heads,
            DHead = e,
            DMlp = read.OptionalInt("intermediate_size") ?? 4 * d,
            DVocab = read.Int("vocab_size"),
            NCtx = read.Int("max_position_embeddings"),
            ActFn = ConfigJson.ParseActivation(read.OptionalString("hidden_act") ?? "gelu", source, "hidden_act"),
            NormalizationType = NormalizationType.LN,
            Eps = read.OptionalDouble("layer_norm_eps") ?? 1e-5,
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            RotaryDim = rotaryDim,
            RotaryBase = read.OptionalDouble("rotary_emb_base") ?? read.OptionalDouble("rope_theta") ?? 10000,
            ParallelAttnMlp = read.OptionalBool("use_parallel_residual") ?? true,
            ModelName = HuggingFaceConfigFields.ModelName(read, "gpt-neox"),
            OriginalArchitecture = "GPTNeoXForCausalLM",
        }.Validate(source);
    }

    private static Dictionary<string, Tensor> Convert(HookedTransformerConfig c, HuggingFaceCheckpoint raw, bool tied)
    {
        long d = c.DModel, h = c.NHeads, e = c.DHead, m = c.DMlp, v = c.DVocab;
        string prefix = raw.Contains("gpt_neox.embed_in.weight") ? "gpt_neox." : string.Empty;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        w["embed.W_E"] = raw.Get($"{prefix}embed_in.weight", v, d).clone();
        for (int l = 0; l < c.NLayers; l++)
        {
            string hf = $"{prefix}layers.{l}.", tl = $"blocks.{l}.";
            w[tl + "ln1.w"] = raw.Get(hf + "input_layernorm.weight", d).clone();
            w[tl + "ln1.b"] = raw.Get(hf + "input_layernorm.bias", d).clone();
            var qkv = raw.Get(hf + "attention.query_key_value.weight", 3 * d, d).view(h, 3, e, d); // rows (head, q/k/v, e)
            var qkvBias = raw.Get(hf + "attention.query_key_value.bias", 3 * d).view(h, 3, e);
            string[] names = ["Q", "K", "V"];
            for (int i = 0; i < 3; i++)
            {
                w[tl + $"attn.W_{names[i]}"] = qkv.select(1, i).permute(0, 2, 1).contiguous(); // [h, d, e]
                w[tl + $"attn.b_{names[i]}"] = qkvBias.select(1, i).contiguous(); // [h, e]
            }

            w[tl + "attn.W_O"] = raw.Get(hf + "attention.dense.weight", d, d).t().reshape(h, e, d).contiguous(); // [h, e, d]
            w[tl + "attn.b_O"] = raw.Get(hf + "attention.dense.bias", d).clone();
            w[tl + "ln2.w"] = raw.Get(hf + "post_attention_layernorm.weight", d).clone();
            w[tl + "ln2.b"] = raw.Get(hf + "post_attention_layernorm.bias", d).clone();
            w[tl + "mlp.W_in"] = raw.Get(hf + "mlp.dense_h_to_4h.weight", m, d).t().contiguous(); // [d, m]
            w[tl + "mlp.b_in"] = raw.Get(hf + "mlp.dense_h_to_4h.bias", m).clone();
            w[tl + "mlp.W_out"] = raw.Get(hf + "mlp.dense_4h_to_h.weight", d, m).t().contiguous(); // [m, d]
            w[tl + "mlp.b_out"] = raw.Get(hf + "mlp.dense_4h_to_h.bias", d).clone();
        }

        w["ln_final.w"] = raw.Get($"{prefix}final_layer_norm.weight", d).clone();
        w["ln_final.b"] = raw.Get($"{prefix}final_layer_norm.bias", d).clone();
        var unembed = raw.Contains("embed_out.weight") || !tied ? raw.Get("embed_out.weight", v, d) : w["embed.W_E"];
        w["unembed.W_U"] = unembed.t().contiguous(); // [d, v]
        w["unembed.b_U"] = zeros(v);
        raw.RejectUnused(IgnoredBuffer(), "GPT-NeoX");
        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    [GeneratedRegex(@"^(gpt_neox\.)?layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$")]
    private static partial Regex IgnoredBuffer();
}
