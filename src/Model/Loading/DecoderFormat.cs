namespace CircuitFinder.Model.Loading;

/// <summary>
/// How one Llama-style HuggingFace family (Llama, Mistral, Qwen2, Phi-3, Gemma 2) stores its decoder weights, for
/// <see cref="DecoderWeights"/>: which projections carry biases, which matrices are fused, and Gemma 2's conventions.
/// </summary>
internal sealed record DecoderFormat
{
    /// <summary>The family's name in messages (<c>Llama</c>, <c>Gemma 2</c>, ...).</summary>
    public required string Family { get; init; }

    /// <summary><c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c> have biases (Qwen2; Llama with <c>attention_bias</c>).</summary>
    public bool QkvBias { get; init; }

    /// <summary><c>o_proj</c> has a bias (Llama with <c>attention_bias</c>).</summary>
    public bool OutputBias { get; init; }

    /// <summary><c>up_proj</c> and <c>down_proj</c> have biases (Llama with <c>mlp_bias</c>).</summary>
    public bool MlpBias { get; init; }

    /// <summary>One <c>qkv_proj</c> with rows [q | k | v] and one <c>gate_up_proj</c> with rows [gate | up] (Phi-3).</summary>
    public bool Fused { get; init; }

    /// <summary>
    /// Gemma 2: RMSNorm weights stored as w − 1, embeddings scaled by √d_model, and four norms per layer
    /// (<c>post_attention_layernorm</c> on the attention output, <c>pre_feedforward_layernorm</c> before the MLP,
    /// <c>post_feedforward_layernorm</c> on the MLP output).
    /// </summary>
    public bool Gemma { get; init; }

    /// <summary>The unembedding is <c>embed_tokens</c> when <c>lm_head.weight</c> is absent.</summary>
    public bool Tied { get; init; }
}
