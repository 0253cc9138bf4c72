namespace CircuitFinder.Model.Config;

/// <summary>
/// The shape and architecture of a transformer, as TransformerLens' <c>HookedTransformerConfig</c>
/// (same fields, C# names; <see cref="ConfigJson"/> reads and writes the TransformerLens keys).
/// </summary>
public sealed record HookedTransformerConfig
{
    public required int NLayers { get; init; }

    public required int DModel { get; init; }

    public required int NHeads { get; init; }

    public required int DHead { get; init; }

    /// <summary>Hidden size of the MLP; 0 for attention-only models.</summary>
    public int DMlp { get; init; }

    public required int DVocab { get; init; }

    /// <summary>Output vocabulary (logit count); equals <see cref="DVocab"/> unless a classifier head differs.</summary>
    public int DVocabOut { get; init; } = -1;

    public required int NCtx { get; init; }

    public ActivationFunction ActFn { get; init; } = ActivationFunction.GeluNew;

    public NormalizationType NormalizationType { get; init; } = NormalizationType.LN;

    public bool AttnOnly { get; init; }

    public PositionalEmbeddingType PositionalEmbeddingType { get; init; } = PositionalEmbeddingType.Standard;

    public AttentionDirection AttentionDir { get; init; } = AttentionDirection.Causal;

    public bool ParallelAttnMlp { get; init; }

    /// <summary>Key/value heads for grouped-query attention; null means one per query head.</summary>
    public int? NKeyValueHeads { get; init; }

    public bool GatedMlp { get; init; }

    public double Eps { get; init; } = 1e-5;

    /// <summary>Divide attention scores by <see cref="AttnScale"/> (TransformerLens' <c>use_attn_scale</c>).</summary>
    public bool UseAttnScale { get; init; } = true;

    /// <summary>The divisor of attention scores; √d_head unless set.</summary>
    public double? AttnScale { get; init; }

    /// <summary>Stanford CRFM GPT-2s: scores additionally divided by (layer + 1).</summary>
    public bool ScaleAttnByInverseLayerIdx { get; init; }

    /// <summary>Rotary embeddings: how many of each head's dims rotate (TransformerLens' <c>rotary_dim</c>); d_head unless set.</summary>
    public int? RotaryDim { get; init; }

    /// <summary>Rotary base θ (TransformerLens' <c>rotary_base</c>; HuggingFace's <c>rope_theta</c> / <c>rotary_emb_base</c>).</summary>
    public double RotaryBase { get; init; } = 10000;

    /// <summary>Each layer's attention span (GPT-Neo alternates global and local); null means every layer is global.</summary>
    public AttentionLayerTypes? AttnTypes { get; init; }

    /// <summary>The span of local attention layers (GPT-Neo's <c>window_size</c>).</summary>
    public int? WindowSize { get; init; }

    /// <summary>
    /// Gemma 2's sandwich norms (TransformerLens' <c>use_normalization_before_and_after</c>): the attention and MLP outputs
    /// pass RMS norms of their own (<c>ln1_post</c>, <c>ln2_post</c>, always with weights) before each residual add.
    /// </summary>
    public bool UseNormalizationBeforeAndAfter { get; init; }

    /// <summary>Attention scores soft-capped to c·tanh(s / c) before the mask (TransformerLens' <c>attn_scores_soft_cap</c>); ≤ 0 means none.</summary>
    public double AttnScoresSoftCap { get; init; } = -1;

    /// <summary>Logits soft-capped to c·tanh(l / c) (TransformerLens' <c>output_logits_soft_cap</c>); ≤ 0 means none.</summary>
    public double OutputLogitsSoftCap { get; init; } = -1;

    /// <summary>
    /// Llama 3's frequency-dependent rope scaling (TransformerLens' <c>use_NTK_by_parts_rope</c>; HuggingFace's
    /// <c>rope_type: llama3</c>), with <see cref="NtkByPartsFactor"/>, the low and high frequency factors and
    /// <see cref="NtkOriginalCtxLen"/>.
    /// </summary>
    public bool UseNtkByPartsRope { get; init; }

    /// <summary>The divisor of the low frequencies (HuggingFace's <c>factor</c>).</summary>
    public double NtkByPartsFactor { get; init; } = 8;

    public double NtkByPartsLowFreqFactor { get; init; } = 1;

    public double NtkByPartsHighFreqFactor { get; init; } = 4;

    /// <summary>The context length the frequencies were trained for (HuggingFace's <c>original_max_position_embeddings</c>).</summary>
    public int NtkOriginalCtxLen { get; init; } = 8192;

    public string ModelName { get; init; } = "custom";

    /// <summary>The HuggingFace architecture the weights came from, when they did.</summary>
    public string? OriginalArchitecture { get; init; }

    /// <summary>Effective output vocabulary size.</summary>
    public int EffectiveDVocabOut => DVocabOut > 0 ? DVocabOut : DVocab;

    /// <summary>Effective number of key/value heads.</summary>
    public int EffectiveNKeyValueHeads => NKeyValueHeads ?? NHeads;

    /// <summary>Effective attention-score divisor.</summary>
    public double EffectiveAttnScale => UseAttnScale ? AttnScale ?? Math.Sqrt(DHead) : 1.0;

    /// <summary>Query heads per key/value head (1 without grouped-query attention).</summary>
    public int KeyValueGroupSize => NHeads / EffectiveNKeyValueHeads;

    /// <summary>Rotating dims per head (0 without rotary embeddings).</summary>
    public int EffectiveRotaryDim => PositionalEmbeddingType == PositionalEmbeddingType.Rotary ? RotaryDim ?? DHead : 0;

    /// <summary>Whether <paramref name="layer"/> attends only within <see cref="WindowSize"/>.</summary>
    public bool IsLocalAttention(int layer) => AttnTypes is { } t && t.Layers[layer] == AttentionType.Local;

    /// <summary>Whether attention scores are soft-capped.</summary>
    public bool HasAttnSoftCap => AttnScoresSoftCap > 0;

    /// <summary>Whether logits are soft-capped.</summary>
    public bool HasOutputSoftCap => OutputLogitsSoftCap > 0;

    /// <summary>Whether blocks have an MLP.</summary>
    public bool HasMlp => !AttnOnly;

    /// <summary>The largest n_layers a config may ask for (sane limits, checked before anything is allocated).</summary>
    public const int MaxLayers = 4096;

    /// <summary>The largest n_heads (and n_key_value_heads).</summary>
    public const int MaxHeads = 4096;

    /// <summary>The largest d_model, d_head and d_mlp.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>The largest d_vocab and d_vocab_out.</summary>
    public const int MaxVocabulary = 1 << 24;

    /// <summary>The largest n_ctx (masks and rotary tables are built for the sequence in use, never for n_ctx).</summary>
    public const int MaxContext = 1 << 24;

    /// <summary>
    /// Checks the configuration is self-consistent and supported; throws <see cref="BadInputException"/>
    /// naming the field (prefixed with <paramref name="source"/>, e.g. the config file) otherwise.
    /// </summary>
    public HookedTransformerConfig Validate(string source)
    {
        void Positive(string field, long value)
        {
            if (value <= 0)
            {
                throw new BadInputException($"{source}: {field} must be positive, got {value}");
            }
        }

        void AtMost(string field, long value, long limit)
        {
            if (value > limit)
            {
                throw new BadInputException($"{source}: {field} = {value} is beyond the supported limit of {limit}");
            }
        }

        Positive("n_layers", NLayers);
        AtMost("n_layers", NLayers, MaxLayers);
        AtMost("n_heads", NHeads, MaxHeads);
        AtMost("d_model", DModel, MaxWidth);
        AtMost("d_head", DHead, MaxWidth);
        AtMost("d_mlp", DMlp, MaxWidth);
        AtMost("d_vocab", DVocab, MaxVocabulary);
        AtMost("d_vocab_out", DVocabOut, MaxVocabulary);
        AtMost("n_ctx", NCtx, MaxContext);
        AtMost("n_key_value_heads", NKeyValueHeads ?? 0, MaxHeads);
        AtMost("window_size", WindowSize ?? 0, MaxContext);
        Positive("d_model", DModel);
        Positive("n_heads", NHeads);
        Positive("d_head", DHead);
        Positive("d_vocab", DVocab);
        Positive("n_ctx", NCtx);
        if (DVocabOut != -1)
        {
            Positive("d_vocab_out", DVocabOut);
        }

        if (!AttnOnly)
        {
            Positive("d_mlp", DMlp);
        }

        if (NKeyValueHeads is { } kv && (kv <= 0 || NHeads % kv != 0))
        {
            throw new BadInputException($"{source}: n_key_value_heads ({kv}) must be positive and divide n_heads ({NHeads})");
        }

        if (Eps <= 0 || double.IsNaN(Eps))
        {
            throw new BadInputException($"{source}: eps must be positive, got {Eps}");
        }

        if (PositionalEmbeddingType == PositionalEmbeddingType.Rotary)
        {
            int r = RotaryDim ?? DHead;
            if (r <= 0 || r > DHead || r % 2 != 0)
            {
                throw new BadInputException($"{source}: rotary_dim ({r}) must be even and in 2..d_head ({DHead})");
            }

            if (!(RotaryBase > 0))
            {
                throw new BadInputException($"{source}: rotary_base must be positive, got {RotaryBase}");
            }
        }

        if (AttnTypes is { } types)
        {
            if (types.Layers.Count != NLayers)
            {
                throw new BadInputException($"{source}: attn_types lists {types.Layers.Count} layers, expected n_layers = {NLayers}");
            }

            if (types.AnyLocal && WindowSize is not > 0)
            {
                throw new BadInputException($"{source}: local attention layers need a positive window_size, got {WindowSize?.ToString() ?? "none"}");
            }
        }

        if (UseNtkByPartsRope && !(NtkByPartsFactor >= 1 && NtkByPartsLowFreqFactor > 0 && NtkByPartsHighFreqFactor > NtkByPartsLowFreqFactor && NtkOriginalCtxLen > 0))
        {
            throw new BadInputException(
                $"{source}: NTK-by-parts rope scaling needs factor ≥ 1, 0 < low_freq_factor < high_freq_factor and a positive original context length, got {NtkByPartsFactor}, {NtkByPartsLowFreqFactor}, {NtkByPartsHighFreqFactor}, {NtkOriginalCtxLen}");
        }

        if (double.IsNaN(AttnScoresSoftCap) || double.IsNaN(OutputLogitsSoftCap))
        {
            throw new BadInputException($"{source}: attn_scores_soft_cap and output_logits_soft_cap must be numbers");
        }

        if (UseNormalizationBeforeAndAfter && NormalizationType is not (NormalizationType.RMS or NormalizationType.RMSPre))
        {
            throw new BadInputException($"{source}: use_normalization_before_and_after needs normalization_type RMS or RMSPre, got {NormalizationType}");
        }

        if (GatedMlp && ActFn == ActivationFunction.SoluLn)
        {
            throw new BadInputException($"{source}: gated_mlp cannot be combined with act_fn 'solu_ln'");
        }

        return this with { DVocabOut = EffectiveDVocabOut };
    }
}
