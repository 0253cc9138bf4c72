namespace CircuitFinder.Model;

/// <summary>Per-call switches of a forward pass (TransformerLens' <c>use_attn_result</c>, <c>use_split_qkv_input</c>).</summary>
public sealed record ModelRunOptions
{
    public static ModelRunOptions Default { get; } = new();

    /// <summary>Compute per-head outputs at <c>blocks.{l}.attn.hook_result</c>.</summary>
    public bool UseAttnResult { get; init; }

    /// <summary>Give each head its own copy of the residual stream at <c>hook_q_input</c>/<c>hook_k_input</c>/<c>hook_v_input</c>.</summary>
    public bool UseSplitQkvInput { get; init; }
}
