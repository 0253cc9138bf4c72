using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Config;

/// <summary>
/// Reads a <see cref="HookedTransformerConfig"/> from TransformerLens JSON — either
/// <c>HookedTransformerConfig</c> keys or Neel Nanda's toy-model keys (<c>normalization</c>,
/// <c>shortformer_pos</c>, ...) — and writes it back in <c>HookedTransformerConfig</c> keys.
/// </summary>
public static class ConfigJson
{
    public static HookedTransformerConfig FromTransformerLens(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        int nLayers = read.Int("n_layers");
        int dModel = read.Int("d_model");
        int nHeads = read.Int("n_heads");
        int? dHeadGiven = read.OptionalInt("d_head");
        if (dHeadGiven is null && nHeads > 0 && dModel % nHeads != 0)
        {
            throw new BadInputException($"{source}: n_heads ({nHeads}) does not divide d_model ({dModel}) and d_head is not given");
        }

        bool attnOnly = read.OptionalBool("attn_only") ?? false;
        var normalization = read.Has("normalization_type")
            ? ParseNormalization(read.OptionalString("normalization_type"), source, "normalization_type")
            : ParseNormalization(read.OptionalString("normalization"), source, "normalization");
        if (read.OptionalBool("final_rms") == true && normalization is not (NormalizationType.RMS or NormalizationType.RMSPre))
        {
            throw new BadInputException($"{source}: final_rms = true is only supported with normalization_type RMS or RMSPre");
        }

        if (read.OptionalBool("rotary_adjacent_pairs") == true)
        {
            throw new BadInputException($"{source}: rotary_adjacent_pairs = true (GPT-J's rotary form) is not supported; only the rotate-half form");
        }

        var positions = read.Has("positional_embedding_type")
            ? ParsePositions(read.OptionalString("positional_embedding_type")!, source)
            : read.OptionalBool("shortformer_pos") == true ? PositionalEmbeddingType.Shortformer : PositionalEmbeddingType.Standard;
        var direction = read.OptionalString("attention_dir") switch
        {
            null or "causal" => AttentionDirection.Causal,
            "bidirectional" => AttentionDirection.Bidirectional,
            var other => throw new BadInputException($"{source}: unknown attention_dir '{other}' (expected causal or bidirectional)"),
        };
        int dVocab = read.Int("d_vocab");
        int? dVocabOut = read.OptionalInt("d_vocab_out");
        var config = new HookedTransformerConfig
        {
            NLayers = nLayers,
            DModel = dModel,
            NHeads = nHeads,
            DHead = dHeadGiven ?? (nHeads > 0 ? dModel / nHeads : 0),
            DMlp = attnOnly ? read.OptionalInt("d_mlp") ?? 0 : read.OptionalInt("d_mlp") ?? 4 * dModel,
            DVocab = dVocab,
            DVocabOut = dVocabOut is null or -1 ? -1 : dVocabOut.Value,
            NCtx = read.Int("n_ctx"),
            ActFn = attnOnly && read.OptionalString("act_fn") is null ? ActivationFunction.GeluNew : ParseActivation(read.OptionalString("act_fn"), source),
            NormalizationType = normalization,
            AttnOnly = attnOnly,
            PositionalEmbeddingType = positions,
            AttentionDir = direction,
            ParallelAttnMlp = read.OptionalBool("parallel_attn_mlp") ?? false,
            NKeyValueHeads = read.OptionalInt("n_key_value_heads"),
            GatedMlp = read.OptionalBool("gated_mlp") ?? false,
            Eps = read.OptionalDouble("eps") ?? 1e-5,
            UseAttnScale = read.OptionalBool("use_attn_scale") ?? true,
            AttnScale = read.OptionalDouble("attn_scale") is { } s && s > 0 ? s : null,
            ScaleAttnByInverseLayerIdx = read.OptionalBool("scale_attn_by_inverse_layer_idx") ?? false,
            RotaryDim = read.OptionalInt("rotary_dim"),
            RotaryBase = read.OptionalDouble("rotary_base") ?? 10000,
            AttnTypes = ReadAttentionTypes(json, source),
            WindowSize = read.OptionalInt("window_size"),
            UseNormalizationBeforeAndAfter = read.OptionalBool("use_normalization_before_and_after") ?? false,
            AttnScoresSoftCap = read.OptionalDouble("attn_scores_soft_cap") ?? -1,
            OutputLogitsSoftCap = read.OptionalDouble("output_logits_soft_cap") ?? -1,
            UseNtkByPartsRope = read.OptionalBool("use_NTK_by_parts_rope") ?? false,
            NtkByPartsFactor = read.OptionalDouble("NTK_by_parts_factor") ?? 8,
            NtkByPartsLowFreqFactor = read.OptionalDouble("NTK_by_parts_low_freq_factor") ?? 1,
            NtkByPartsHighFreqFactor = read.OptionalDouble("NTK_by_parts_high_freq_factor") ?? 4,
            NtkOriginalCtxLen = read.OptionalInt("NTK_original_ctx_len") ?? 8192,
            ModelName = read.OptionalString("model_name") ?? "custom",
            OriginalArchitecture = read.OptionalString("original_architecture"),
        };
        return config.Validate(source);
    }

    /// <summary>The config in <c>HookedTransformerConfig</c> keys.</summary>
    public static JObject ToTransformerLens(HookedTransformerConfig c)
    {
        var json = new JObject
        {
            ["n_layers"] = c.NLayers,
            ["d_model"] = c.DModel,
            ["n_heads"] = c.NHeads,
            ["d_head"] = c.DHead,
            ["d_mlp"] = c.DMlp,
            ["d_vocab"] = c.DVocab,
            ["d_vocab_out"] = c.EffectiveDVocabOut,
            ["n_ctx"] = c.NCtx,
            ["act_fn"] = FormatActivation(c.ActFn),
            ["normalization_type"] = c.NormalizationType == NormalizationType.None ? null : c.NormalizationType.ToString(),
            ["attn_only"] = c.AttnOnly,
            ["positional_embedding_type"] = c.PositionalEmbeddingType.ToString().ToLowerInvariant(),
            ["attention_dir"] = c.AttentionDir.ToString().ToLowerInvariant(),
            ["parallel_attn_mlp"] = c.ParallelAttnMlp,
            ["n_key_value_heads"] = c.NKeyValueHeads,
            ["gated_mlp"] = c.GatedMlp,
            ["eps"] = c.Eps,
            ["use_attn_scale"] = c.UseAttnScale,
            ["attn_scale"] = c.AttnScale,
            ["scale_attn_by_inverse_layer_idx"] = c.ScaleAttnByInverseLayerIdx,
            ["rotary_dim"] = c.PositionalEmbeddingType == PositionalEmbeddingType.Rotary ? c.EffectiveRotaryDim : null,
            ["rotary_base"] = c.RotaryBase,
            ["attn_types"] = c.AttnTypes is { } types ? new JArray(types.Layers.Select(AttentionLayerTypes.Format)) : null,
            ["window_size"] = c.WindowSize,
            ["final_rms"] = c.NormalizationType is NormalizationType.RMS or NormalizationType.RMSPre,
            ["use_normalization_before_and_after"] = c.UseNormalizationBeforeAndAfter,
            ["attn_scores_soft_cap"] = c.AttnScoresSoftCap,
            ["output_logits_soft_cap"] = c.OutputLogitsSoftCap,
            ["use_NTK_by_parts_rope"] = c.UseNtkByPartsRope,
            ["NTK_by_parts_factor"] = c.NtkByPartsFactor,
            ["NTK_by_parts_low_freq_factor"] = c.NtkByPartsLowFreqFactor,
            ["NTK_by_parts_high_freq_factor"] = c.NtkByPartsHighFreqFactor,
            ["NTK_original_ctx_len"] = c.NtkOriginalCtxLen,
            ["model_name"] = c.ModelName,
            ["original_architecture"] = c.OriginalArchitecture,
        };
        return json;
    }

    private static AttentionLayerTypes? ReadAttentionTypes(JObject json, string source)
    {
        if (!json.TryGetValue("attn_types", out var token) || token.Type == JTokenType.Null)
        {
            return null;
        }

        if (token is not JArray array)
        {
            throw new BadInputException($"{source}: field 'attn_types' must be a list of 'global' / 'local'");
        }

        return new AttentionLayerTypes(array.Select((t, i) => AttentionLayerTypes.Parse(
            t.Type == JTokenType.String ? (string?)t : null, $"{source}: attn_types[{i}]")).ToList());
    }

    public static string FormatActivation(ActivationFunction f) => f switch
    {
        ActivationFunction.GeluNew => "gelu_new",
        ActivationFunction.Gelu => "gelu",
        ActivationFunction.Relu => "relu",
        ActivationFunction.Silu => "silu",
        ActivationFunction.SoluLn => "solu_ln",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    public static ActivationFunction ParseActivation(string? name, string source, string field = "act_fn") => name switch
    {
        "gelu_new" or "gelu_fast" or "gelu_pytorch_tanh" => ActivationFunction.GeluNew,
        "gelu" => ActivationFunction.Gelu,
        "relu" => ActivationFunction.Relu,
        "silu" or "swish" => ActivationFunction.Silu,
        "solu_ln" => ActivationFunction.SoluLn,
        null => throw new BadInputException($"{source}: missing {field}"),
        _ => throw new BadInputException($"{source}: unknown {field} '{name}' (expected gelu_new, gelu, relu, silu or solu_ln)"),
    };

    private static NormalizationType ParseNormalization(string? name, string source, string field) => name switch
    {
        null or "None" or "none" => NormalizationType.None,
        "LN" => NormalizationType.LN,
        "LNPre" => NormalizationType.LNPre,
        "RMS" => NormalizationType.RMS,
        "RMSPre" => NormalizationType.RMSPre,
        _ => throw new BadInputException($"{source}: unknown {field} '{name}' (expected LN, LNPre, RMS, RMSPre or null)"),
    };

    private static PositionalEmbeddingType ParsePositions(string name, string source) => name switch
    {
        "standard" => PositionalEmbeddingType.Standard,
        "shortformer" => PositionalEmbeddingType.Shortformer,
        "rotary" => PositionalEmbeddingType.Rotary,
        _ => throw new BadInputException($"{source}: unknown positional_embedding_type '{name}' (expected standard, shortformer or rotary)"),
    };
}
