using System.Text.RegularExpressions;
using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// Converts a Llama-style HuggingFace decoder (Llama, Mistral, Qwen2, Phi-3, Gemma 2) to TransformerLens keys, as
/// TransformerLens' <c>convert_llama_weights</c> / <c>convert_qwen2_weights</c> / <c>convert_phi3_weights</c> /
/// <c>convert_gemma_weights</c> do: <c>W_Q [n_heads, d_model, d_head]</c>, <c>W_K</c>/<c>W_V</c> kept grouped
/// <c>[n_key_value_heads, d_model, d_head]</c>, biases per head (zeros where the family has none),
/// <c>W_O [n_heads, d_head, d_model]</c>, the MLP's <c>W_gate</c>/<c>W_in</c> <c>[d_model, d_mlp]</c> and
/// <c>W_out [d_mlp, d_model]</c>. Gemma 2: RMSNorm weights become 1 + w, <c>W_E</c> is multiplied by √d_model (rounded to
/// float32, as HuggingFace's embedding does) while the tied <c>W_U</c> is not, and the sandwich norms become
/// <c>ln1_post</c> / <c>ln2_post</c>.
/// </summary>
internal static partial class DecoderWeights
{
    public static Dictionary<string, Tensor> Convert(HookedTransformerConfig c, HuggingFaceCheckpoint raw, DecoderFormat format, string configPath)
    {
        long d = c.DModel, h = c.NHeads, kv = c.EffectiveNKeyValueHeads, e = c.DHead, m = c.DMlp, v = c.DVocab;
        string prefix = raw.Contains("model.embed_tokens.weight") ? "model." : string.Empty;
        var w = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        Tensor Norm(string key) => format.Gemma ? raw.Get(key, d) + 1 : raw.Get(key, d).clone(); // Gemma stores w − 1
        var embed = raw.Get($"{prefix}embed_tokens.weight", v, d);
        w["embed.W_E"] = format.Gemma ? embed * tensor((float)Math.Sqrt(d)) : embed.clone();
        for (int l = 0; l < c.NLayers; l++)
        {
            string hf = $"{prefix}layers.{l}.", tl = $"blocks.{l}.";
            w[tl + "ln1.w"] = Norm(hf + "input_layernorm.weight");
            var (q, k, value) = Projections(raw, hf, c, format, configPath); // Linear [out, in] each
            foreach (var (name, weight, heads) in new[] { ("Q", q, h), ("K", k, kv), ("V", value, kv) })
            {
                w[tl + $"attn.W_{name}"] = weight.view(heads, e, d).permute(0, 2, 1).contiguous(); // [heads, d, e]
                string hfName = $"self_attn.{name.ToLowerInvariant()}_proj.bias";
                w[tl + $"attn.b_{name}"] = format.QkvBias ? raw.Get(hf + hfName, heads * e).view(heads, e).clone() : zeros(heads, e);
            }

            w[tl + "attn.W_O"] = raw.Get(hf + "self_attn.o_proj.weight", d, h * e).t().reshape(h, e, d).contiguous(); // [h, e, d]
            w[tl + "attn.b_O"] = format.OutputBias ? raw.Get(hf + "self_attn.o_proj.bias", d).clone() : zeros(d);
            if (format.Gemma)
            {
                w[tl + "ln1_post.w"] = Norm(hf + "post_attention_layernorm.weight");
                w[tl + "ln2.w"] = Norm(hf + "pre_feedforward_layernorm.weight");
                w[tl + "ln2_post.w"] = Norm(hf + "post_feedforward_layernorm.weight");
            }
            else
            {
                w[tl + "ln2.w"] = Norm(hf + "post_attention_layernorm.weight");
            }

            Tensor gate, up;
            if (format.Fused)
            {
                var fused = Fused(raw, hf + "mlp.gate_up_proj.weight", 2 * m, d, $"2 × intermediate_size ({m})", configPath); // [gate | up]
                (gate, up) = (fused.narrow(0, 0, m), fused.narrow(0, m, m));
            }
            else
            {
                (gate, up) = (raw.Get(hf + "mlp.gate_proj.weight", m, d), raw.Get(hf + "mlp.up_proj.weight", m, d));
            }

            w[tl + "mlp.W_gate"] = gate.t().contiguous(); // [d, m]
            w[tl + "mlp.W_in"] = up.t().contiguous(); // [d, m]
            w[tl + "mlp.b_in"] = format.MlpBias ? raw.Get(hf + "mlp.up_proj.bias", m).clone() : zeros(m);
            w[tl + "mlp.W_out"] = raw.Get(hf + "mlp.down_proj.weight", d, m).t().contiguous(); // [m, d]
            w[tl + "mlp.b_out"] = format.MlpBias ? raw.Get(hf + "mlp.down_proj.bias", d).clone() : zeros(d);
            if (format.MlpBias && raw.Contains(hf + "mlp.gate_proj.bias"))
            {
                throw new BadInputException($"{raw.File}: key '{hf}mlp.gate_proj.bias': a bias on the gate is not supported");
            }
        }

        w["ln_final.w"] = Norm($"{prefix}norm.weight");
        var unembed = raw.Contains("lm_head.weight") || !format.Tied ? raw.Get("lm_head.weight", v, d) : embed;
        w["unembed.W_U"] = unembed.t().contiguous(); // [d, v]
        w["unembed.b_U"] = zeros(v);
        raw.RejectUnused(IgnoredBuffer(), format.Family);
        foreach (var t in w.Values)
        {
            t.DetachFromDisposeScope();
        }

        return w;
    }

    /// <summary>The q, k and v projections <c>[heads·d_head, d_model]</c>, split from Phi-3's <c>qkv_proj</c> (rows [q | k | v]).</summary>
    private static (Tensor Q, Tensor K, Tensor V) Projections(HuggingFaceCheckpoint raw, string hf, HookedTransformerConfig c, DecoderFormat format, string configPath)
    {
        long d = c.DModel, h = c.NHeads, kv = c.EffectiveNKeyValueHeads, e = c.DHead;
        if (format.Fused)
        {
            var fused = Fused(raw, hf + "self_attn.qkv_proj.weight", (h + (2 * kv)) * e, d,
                $"(num_attention_heads {h} + 2 × num_key_value_heads {kv}) × head_dim {e}", configPath);
            return (fused.narrow(0, 0, h * e), fused.narrow(0, h * e, kv * e), fused.narrow(0, (h + kv) * e, kv * e));
        }

        string qKey = hf + "self_attn.q_proj.weight";
        if (raw.ShapeOf(qKey) is [var rows, var columns] && columns == d && rows != h * e)
        {
            throw new BadInputException(
                $"{configPath}: head_dim ({e}) × num_attention_heads ({h}) = {h * e} disagrees with the weights: '{qKey}' in {raw.File} has {rows} rows");
        }

        return (raw.Get(qKey, h * e, d), raw.Get(hf + "self_attn.k_proj.weight", kv * e, d), raw.Get(hf + "self_attn.v_proj.weight", kv * e, d));
    }

    /// <summary>A fused matrix <c>[rows, d_model]</c>, refused naming the key and how its height follows from the config.</summary>
    private static Tensor Fused(HuggingFaceCheckpoint raw, string key, long rows, long d, string expected, string configPath)
    {
        if (raw.ShapeOf(key) is [var height, var width] && width == d && height != rows)
        {
            throw new BadInputException(
                $"{raw.File}: key '{key}' has {height} rows, expected {expected} = {rows} from {configPath}");
        }

        return raw.Get(key, rows, d);
    }

    [GeneratedRegex(@"^(model\.)?(layers\.\d+\.self_attn\.)?rotary_emb\.inv_freq$")]
    private static partial Regex IgnoredBuffer();
}
