using System.Text.RegularExpressions;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace GPT-Neo (<c>model_type</c> gpt_neo): separate <c>q_proj</c>/<c>k_proj</c>/<c>v_proj</c> without bias,
/// <c>out_proj</c> with bias, Linear (<c>[out, in]</c>) MLP weights, learned positions, a tied or explicit
/// <c>lm_head</c>; attention scores unscaled; layers global or local (<c>attention_layers</c>, or
/// <c>attention_types</c> expanded) with <c>window_size</c>. The <c>attn.attention.bias</c> / <c>masked_bias</c> buffers
/// are ignored. Converted as TransformerLens' <c>convert_neo_weights</c>.
/// </summary>
public sealed partial class HuggingFaceGptNeoLayout : ICheckpointLayout
{
    public string Name => "huggingface-gpt-neo";

    public bool Recognises(JObject config) =>
        (string?)config["model_type"] == "gpt_neo"
        || (config["architectures"] as JArray)?.Any(a => (string?)a is "GPTNeoForCausalLM" or "GPTNeoModel") == true;

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        var config = ReadConfig(json, Path.Combine(folder, "config.json"));
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_layers");
        return new ConvertedCheckpoint(config, Convert(config, checkpoint), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        int d = read.Int("hidden_size"), heads = read.Int("num_heads"), layers = read.Int("num_layers");
        int e = HuggingFaceConfigFields.HeadDimension(source, d, "hidden_size", heads, "num_heads");
        var types = AttentionLayers(json, source);
        if (types.Count != layers)
        {
            throw new BadInputException($"{source}: the attention layer types list {types.Count} layers, but num_layers is {layers}");
        }

        return new HookedTransformerConfig
        {
            NLayers = layers,
            DModel = d,
            NHeads = heads,
            DHead = e,
            DMlp = read.OptionalInt("intermediate_size") ?? 4 * d,
            DVocab = read.Int("vocab_size"),
            NCtx = read.Int("max_position_embeddings"),
            ActFn = ConfigJson.ParseActivation(read.OptionalString("activation_function") ?? "gelu_new", source, "activation_function"),
            NormalizationType = NormalizationType.LN,
            Eps = read.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
            UseAttnScale = false,
            AttnTypes = new AttentionLayerTypes(types),
            WindowSize = types.Contains(AttentionType.Local) ? read.Int("window_size") : read.OptionalInt("window_size"),
            ModelName = HuggingFaceConfigFields.ModelName(read, "gpt-neo"),
            OriginalArchitecture = "GPTNeoForCausalLM",
        }.Validate(source);
    }

    /// <summary><c>attention_layers</c> when given, else <c>attention_types</c> (<c>[[["global", "local"], 12]]</c>) expanded.</summary>
    private static List<AttentionType> AttentionLayers(JObject json, string source)
    {
        if (json["attention_layers"] is JArray layers)
        {
            return layers.Select((t, i) => AttentionLayerTypes.Parse(t.Type == JTokenType.String ? (string?)t : null, $"{source}: attention_layers[{i}]")).ToList();
        }

        if (json["attention_types"] is not JArray groups)
        {
            throw new BadInputException($"{source}: missing field 'attention_layers' (or 'attention_types')");
        }

        var result = new List<AttentionType>();
        foreach (var (group, i) in groups.Select((g, i) => (g, i)))
        {
            if (group is not JArray { Count: 2 } pair || pair[0] is not JArray pattern || pair[1].Type != JTokenType.Integer)
            {
                throw new BadInputException($"{source}: attention_types[{i}] must be [[types...], repeat count]");
            }

            var kinds = pattern.Select((t, j) => AttentionLayerTypes.Parse(t.Type == JTokenType.String ? (string?)t : null, $"{source}: attention_types[{i}][0][{j}]")).ToList();
            for (int r = 0; r < (int)pair[1]; r++)
            {
                result.AddRange(kinds);
            }
        }

        return result;
    }

    private static Dictionary<string, Tensor> Convert(HookedTransformerConfig c, HuggingFaceCheckpoint raw)
    {
        long d = c.DModel, h = c.NHeads, e = c.DHead, m = c.DMlp, v = c.DVocab;
        string prefix = raw.Contains("transformer.wte.weight") ? "transformer." : string.Empty;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        w["embed.W_E"] = raw.Get($"{prefix}wte.weight", v, d).clone();
        w["pos_embed.W_pos"] = raw.Get($"{prefix}wpe.weight", c.NCtx, d).clone();
        for (int l = 0; l < c.NLayers; l++)
        {
            string hf = $"{prefix}h.{l}.", tl = $"blocks.{l}.";
            w[tl + "ln1.w"] = raw.Get(hf + "ln_1.weight", d).clone();
            w[tl + "ln1.b"] = raw.Get(hf + "ln_1.bias", d).clone();
            foreach (var (name, hfName) in new[] { ("Q", "q_proj"), ("K", "k_proj"), ("V", "v_proj") })
            {
                var weight = raw.Get(hf + $"attn.attention.{hfName}.weight", d, d); // [h*e, d], Linear [out, in]
                w[tl + $"attn.W_{name}"] = weight.view(h, e, d).permute(0, 2, 1).contiguous(); // [h, d, e]
                w[tl + $"attn.b_{name}"] = zeros(h, e);
            }

            w[tl + "attn.W_O"] = raw.Get(hf + "attn.attention.out_proj.weight", d, d).t().reshape(h, e, d).contiguous(); // [h, e, d]
            w[tl + "attn.b_O"] = raw.Get(hf + "attn.attention.out_proj.bias", d).clone();
            w[tl + "ln2.w"] = raw.Get(hf + "ln_2.weight", d).clone();
            w[tl + "ln2.b"] = raw.Get(hf + "ln_2.bias", d).clone();
            w[tl + "mlp.W_in"] = raw.Get(hf + "mlp.c_fc.weight", m, d).t().contiguous(); // [d, m]
            w[tl + "mlp.b_in"] = raw.Get(hf + "mlp.c_fc.bias", m).clone();
            w[tl + "mlp.W_out"] = raw.Get(hf + "mlp.c_proj.weight", d, m).t().contiguous(); // [m, d]
            w[tl + "mlp.b_out"] = raw.Get(hf + "mlp.c_proj.bias", d).clone();
        }

        w["ln_final.w"] = raw.Get($"{prefix}ln_f.weight", d).clone();
        w["ln_final.b"] = raw.Get($"{prefix}ln_f.bias", d).clone();
        var unembed = raw.Contains("lm_head.weight") ? raw.Get("lm_head.weight", v, d) : w["embed.W_E"];
        w["unembed.W_U"] = unembed.t().contiguous(); // [d, v]
        w["unembed.b_U"] = raw.Contains("lm_head.bias") ? raw.Get("lm_head.bias", v).clone() : zeros(v);
        raw.RejectUnused(IgnoredBuffer(), "GPT-Neo");
        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    [GeneratedRegex(@"^(transformer\.)?h\.\d+\.attn\.attention\.(bias|masked_bias)$")]
    private static partial Regex IgnoredBuffer();
}
