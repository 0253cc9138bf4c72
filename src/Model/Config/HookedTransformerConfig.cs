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

    public string ModelName { get; init; } = "custom";

    /// <summary>The HuggingFace architecture the weights came from, when they did.</summary>
    public string? OriginalArchitecture { get; init; }

    /// <summary>Effective output vocabulary size.</summary>
    public int EffectiveDVocabOut => DVocabOut > 0 ? DVocabOut : DVocab;

    /// <summary>Effective number of key/value heads.</summary>
    public int EffectiveNKeyValueHeads => NKeyValueHeads ?? NHeads;

    /// <summary>Effective attention-score divisor.</summary>
    public double EffectiveAttnScale => UseAttnScale ? AttnScale ?? Math.Sqrt(DHead) : 1.0;

    /// <summary>Whether blocks have an MLP.</summary>
    public bool HasMlp => !AttnOnly;

    /// <summary>
    /// Checks the configuration is self-consistent and supported; throws <see cref="Model.BadInputException"/>
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

        Positive("n_layers", NLayers);
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
            throw new BadInputException($"{source}: positional_embedding_type 'rotary' is not supported yet");
        }

        if (NKeyValueHeads is { } k && k != NHeads)
        {
            throw new BadInputException($"{source}: grouped-query attention (n_key_value_heads {k} < n_heads {NHeads}) is not supported yet");
        }

        if (GatedMlp && ActFn == ActivationFunction.SoluLn)
        {
            throw new BadInputException($"{source}: gated_mlp cannot be combined with act_fn 'solu_ln'");
        }

        return this with { DVocabOut = EffectiveDVocabOut };
    }
}
