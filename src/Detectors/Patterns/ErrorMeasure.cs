namespace CircuitFinder.Detectors.Patterns;

/// <summary>TransformerLens' <c>error_measure</c> of <c>detect_head</c>.</summary>
public enum ErrorMeasure
{
    /// <summary>Σ(attention · detection) / Σ attention: the share of attention on the detection pattern's cells.</summary>
    Mul,

    /// <summary>1 − round(Σ|attention − detection| / seq_len, 3): 1 a perfect match, −1 a perfect mismatch.</summary>
    Abs,
}
