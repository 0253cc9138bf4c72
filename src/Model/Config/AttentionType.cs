namespace CircuitFinder.Model.Config;

/// <summary>One layer's attention span in TransformerLens' <c>attn_types</c> (GPT-Neo).</summary>
public enum AttentionType
{
    /// <summary>Every allowed key (causal or bidirectional as <see cref="AttentionDirection"/> says).</summary>
    Global,

    /// <summary>Only the last <c>window_size</c> positions: a query at i sees keys j with 0 ≤ i − j &lt; window_size.</summary>
    Local,
}
