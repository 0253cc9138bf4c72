namespace CircuitFinder.Model.Config;

/// <summary>TransformerLens' <c>attention_dir</c>.</summary>
public enum AttentionDirection
{
    /// <summary>A query sees keys at its own and earlier positions.</summary>
    Causal,

    /// <summary>A query sees every key.</summary>
    Bidirectional,
}
