using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// The <c>config.json</c> keys the Llama-style HuggingFace families share, read into a <see cref="HookedTransformerConfig"/>:
/// sizes, grouped-query heads, RMSNorm, rotary embeddings (<c>rope_theta</c> and <c>rope_scaling</c>, or newer configs'
/// <c>rope_parameters</c>), sliding windows (<c>sliding_window</c>, <c>layer_types</c>) and <c>dtype</c> /
/// <c>torch_dtype</c>. Every error names the key.
/// </summary>
internal static class DecoderConfig
{
    /// <summary>The fields every family has; families add theirs with <c>with</c>.</summary>
    public static HookedTransformerConfig Common(JsonFields read, string source, string family, string architecture)
    {
        int d = read.Int("hidden_size"), heads = read.Int("num_attention_heads");
        int e = read.OptionalInt("head_dim") ?? HuggingFaceConfigFields.HeadDimension(source, d, "hidden_size", heads, "num_attention_heads");
        int kv = read.OptionalInt("num_key_value_heads") ?? heads;
        if (kv <= 0 || heads <= 0 || heads % kv != 0)
        {
            throw new BadInputException($"{source}: num_key_value_heads ({kv}) does not divide num_attention_heads ({heads})");
        }

        _ = read.OptionalString("dtype") ?? read.OptionalString("torch_dtype"); // newer configs write dtype; either must be a name
        var (theta, scaling) = Rope(read, source);
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
            RotaryBase = theta,
            NKeyValueHeads = kv == heads ? null : kv,
            ModelName = HuggingFaceConfigFields.ModelName(read, family),
            OriginalArchitecture = architecture,
        }.WithRopeScaling(scaling);
    }

    /// <summary>Checks <c>hidden_act</c> (or Gemma's <c>hidden_activation</c>) is one of <paramref name="allowed"/>.</summary>
    public static ActivationFunction Activation(JsonFields read, string source, string family, string field, string fallback, params string[] allowed)
    {
        string act = read.OptionalString(field) ?? fallback;
        if (!allowed.Contains(act))
        {
            throw new BadInputException($"{source}: {field} '{act}' is not supported for {family} models (expected {string.Join(" or ", allowed)})");
        }

        return ConfigJson.ParseActivation(act, source, field);
    }

    /// <summary>
    /// Each layer's attention span: <c>layer_types</c> (<c>full_attention</c> / <c>sliding_attention</c>) when the config
    /// has it, else <paramref name="defaultLocal"/> per layer; null when every layer is global. A local layer needs
    /// <paramref name="window"/>.
    /// </summary>
    public static (AttentionLayerTypes? Types, int? Window) Windows(Newtonsoft.Json.Linq.JObject json, string source, int layers, int? window, Func<int, bool> defaultLocal)
    {
        List<AttentionType> types;
        if (json.TryGetValue("layer_types", out var token) && token.Type != Newtonsoft.Json.Linq.JTokenType.Null)
        {
            if (token is not Newtonsoft.Json.Linq.JArray array || array.Count != layers)
            {
                throw new BadInputException($"{source}: layer_types must list one of 'full_attention' / 'sliding_attention' per layer ({layers})");
            }

            types = array.Select((t, i) => (t.Type == Newtonsoft.Json.Linq.JTokenType.String ? (string?)t : null) switch
            {
                "full_attention" => AttentionType.Global,
                "sliding_attention" => AttentionType.Local,
                var other => throw new BadInputException($"{source}: layer_types[{i}] '{other}' is not supported (expected full_attention or sliding_attention)"),
            }).ToList();
        }
        else
        {
            types = Enumerable.Range(0, layers).Select(l => window is not null && defaultLocal(l) ? AttentionType.Local : AttentionType.Global).ToList();
        }

        if (!types.Contains(AttentionType.Local))
        {
            return (null, null);
        }

        if (window is not > 0)
        {
            throw new BadInputException($"{source}: sliding_window must be a positive integer for sliding-attention layers, got {window?.ToString() ?? "null"}");
        }

        return (new AttentionLayerTypes(types), window);
    }

    /// <summary>
    /// θ and the rope scaling: <c>rope_parameters</c> (<c>{"rope_type", "rope_theta", ...}</c>, transformers 5) when
    /// present, else <c>rope_theta</c> and <c>rope_scaling</c>. Rope types <c>default</c> (none) and <c>llama3</c> are
    /// supported; any other is refused naming the key.
    /// </summary>
    private static (double Theta, RopeScaling? Scaling) Rope(JsonFields read, string source)
    {
        string field = read.Has("rope_parameters") ? "rope_parameters" : "rope_scaling";
        var parameters = read.Has(field) ? read.OptionalObject(field) : null;
        double theta = read.OptionalDouble("rope_theta") ?? 10000;
        if (parameters is null)
        {
            return (theta, null);
        }

        var inner = new JsonFields(parameters, $"{source}: {field}");
        theta = inner.OptionalDouble("rope_theta") ?? theta;
        string typeKey = inner.Has("rope_type") ? "rope_type" : "type";
        string type = inner.OptionalString(typeKey) ?? "default";
        return type switch
        {
            "default" => (theta, null),
            "llama3" => (theta, new RopeScaling(
                inner.OptionalDouble("factor") ?? throw new BadInputException($"{source}: {field}.factor is missing (rope_type llama3)"),
                inner.OptionalDouble("low_freq_factor") ?? 1,
                inner.OptionalDouble("high_freq_factor") ?? 4,
                inner.OptionalInt("original_max_position_embeddings") ?? throw new BadInputException($"{source}: {field}.original_max_position_embeddings is missing (rope_type llama3)"))),
            _ => throw new BadInputException($"{source}: {field}.{typeKey} '{type}' is not supported (supported: default, llama3)"),
        };
    }

    private static HookedTransformerConfig WithRopeScaling(this HookedTransformerConfig config, RopeScaling? scaling) => scaling is null
        ? config
        : config with
        {
            UseNtkByPartsRope = true,
            NtkByPartsFactor = scaling.Factor,
            NtkByPartsLowFreqFactor = scaling.Low,
            NtkByPartsHighFreqFactor = scaling.High,
            NtkOriginalCtxLen = scaling.Original,
        };

    private sealed record RopeScaling(double Factor, double Low, double High, int Original);
}
