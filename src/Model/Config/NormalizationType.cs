namespace CircuitFinder.Model.Config;

/// <summary>TransformerLens' <c>normalization_type</c>.</summary>
public enum NormalizationType
{
    /// <summary>No normalization.</summary>
    None,

    /// <summary><c>LN</c>: LayerNorm with weight and bias.</summary>
    LN,

    /// <summary><c>LNPre</c>: centre and scale, no weights (what folding LN leaves).</summary>
    LNPre,

    /// <summary><c>RMS</c>: RMSNorm with weight.</summary>
    RMS,

    /// <summary><c>RMSPre</c>: scale only, no weights.</summary>
    RMSPre,
}
