using System.Text.RegularExpressions;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace GPT-2: <c>config.json</c> (<c>model_type</c> gpt2) with <c>model.safetensors</c> or <c>pytorch_model.bin</c>;
/// keys with or without the <c>transformer.</c> prefix; Conv1D weights stored <c>[in, out]</c>; tied or explicit
/// <c>lm_head</c>; the old <c>attn.bias</c> / <c>attn.masked_bias</c> buffers ignored.
/// </summary>
public sealed partial class HuggingFaceGpt2Layout : ICheckpointLayout
{
    public string Name => "huggingface-gpt2";

    public bool Recognises(JObject config) =>
        (string?)config["model_type"] == "gpt2"
        || (config["architectures"] as JArray)?.Any(a => (string?)a is "GPT2LMHeadModel" or "GPT2Model") == true;

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string configPath = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, configPath);
        string file = weightsFile ?? WeightFiles.FindFirst(folder, "model.safetensors", "pytorch_model.bin")
            ?? throw new BadInputException($"{folder}: no model.safetensors or pytorch_model.bin beside config.json");
        using var raw = CheckpointReader.Read(file);
        StateDictChecks.EnsureFinite(raw);
        return new ConvertedCheckpoint(config, Convert(config, raw, file), file);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        int d = read.Int("n_embd"), heads = read.Int("n_head");
        if (d <= 0 || heads <= 0)
        {
            throw new BadInputException($"{source}: n_embd ({d}) and n_head ({heads}) must be positive");
        }

        if (d % heads != 0)
        {
            throw new BadInputException($"{source}: n_head ({heads}) does not divide n_embd ({d})");
        }

        return new HookedTransformerConfig
        {
            NLayers = read.Int("n_layer"),
            DModel = d,
            NHeads = heads,
            DHead = d / heads,
            DMlp = read.OptionalInt("n_inner") ?? 4 * d,
            DVocab = read.Int("vocab_size"),
            NCtx = read.OptionalInt("n_positions") ?? read.Int("n_ctx"),
            ActFn = ConfigJson.ParseActivation(read.OptionalString("activation_function") ?? "gelu_new", source, "activation_function"),
            NormalizationType = NormalizationType.LN,
            Eps = read.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
            UseAttnScale = read.OptionalBool("scale_attn_weights") ?? true,
            ScaleAttnByInverseLayerIdx = read.OptionalBool("scale_attn_by_inverse_layer_idx") ?? false,
            ModelName = read.OptionalString("_name_or_path") is { Length: > 0 } n ? Path.GetFileName(n) : "gpt2",
            OriginalArchitecture = "GPT2LMHeadModel",
        }.Validate(source);
    }

    private static Dictionary<string, Tensor> Convert(HookedTransformerConfig c, StateDict raw, string file)
    {
        string prefix = raw.ContainsKey("transformer.wte.weight") ? "transformer." : string.Empty;
        var used = new HashSet<string>(StringComparer.Ordinal);
        Tensor Get(string key, params long[] shape)
        {
            var t = raw.TryGetValue(key, out var v) ? v : throw new BadInputException($"{file}: missing key '{key}'");
            if (!t.shape.SequenceEqual(shape))
            {
                throw new BadInputException(
                    $"{file}: key '{key}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}] from config.json");
            }

            used.Add(key);
            return t.to(ScalarType.Float32);
        }

        long d = c.DModel, h = c.NHeads, e = c.DHead, m = c.DMlp, v = c.DVocab;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        w["embed.W_E"] = Get($"{prefix}wte.weight", v, d).clone();
        w["pos_embed.W_pos"] = Get($"{prefix}wpe.weight", c.NCtx, d).clone();
        for (int l = 0; l < c.NLayers; l++)
        {
            string hf = $"{prefix}h.{l}.", tl = $"blocks.{l}.";
            w[tl + "ln1.w"] = Get(hf + "ln_1.weight", d).clone();
            w[tl + "ln1.b"] = Get(hf + "ln_1.bias", d).clone();
            var qkv = Get(hf + "attn.c_attn.weight", d, 3 * d); // [d, 3*h*e], Conv1D [in, out]
            var qkvBias = Get(hf + "attn.c_attn.bias", 3 * d); // [3*h*e]
            string[] names = ["Q", "K", "V"];
            for (int i = 0; i < 3; i++)
            {
                w[tl + $"attn.W_{names[i]}"] = qkv.narrow(1, i * d, d).reshape(d, h, e).permute(1, 0, 2).contiguous(); // [h, d, e]
                w[tl + $"attn.b_{names[i]}"] = qkvBias.narrow(0, i * d, d).reshape(h, e).contiguous(); // [h, e]
            }

            w[tl + "attn.W_O"] = Get(hf + "attn.c_proj.weight", d, d).reshape(h, e, d).contiguous(); // [h, e, d]
            w[tl + "attn.b_O"] = Get(hf + "attn.c_proj.bias", d).clone();
            w[tl + "ln2.w"] = Get(hf + "ln_2.weight", d).clone();
            w[tl + "ln2.b"] = Get(hf + "ln_2.bias", d).clone();
            w[tl + "mlp.W_in"] = Get(hf + "mlp.c_fc.weight", d, m).clone(); // [d, m]
            w[tl + "mlp.b_in"] = Get(hf + "mlp.c_fc.bias", m).clone();
            w[tl + "mlp.W_out"] = Get(hf + "mlp.c_proj.weight", m, d).clone(); // [m, d]
            w[tl + "mlp.b_out"] = Get(hf + "mlp.c_proj.bias", d).clone();
        }

        w["ln_final.w"] = Get($"{prefix}ln_f.weight", d).clone();
        w["ln_final.b"] = Get($"{prefix}ln_f.bias", d).clone();
        var unembed = raw.ContainsKey("lm_head.weight") ? Get("lm_head.weight", v, d) : w["embed.W_E"];
        w["unembed.W_U"] = unembed.t().contiguous(); // [d, v]
        w["unembed.b_U"] = zeros(v);

        foreach (var key in raw.Keys)
        {
            if (!used.Contains(key) && !IgnoredBuffer().IsMatch(key))
            {
                throw new BadInputException($"{file}: unexpected key '{key}' in a GPT-2 checkpoint");
            }
        }

        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    [GeneratedRegex(@"^(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)$")]
    private static partial Regex IgnoredBuffer();
}
