namespace CircuitFinder.Model.Processing;

/// <summary>
/// Weight processing switches as TransformerLens' <c>from_pretrained</c>: all on by default; see
/// <see cref="WeightProcessing"/> for where each is impossible and silently skipped (as TransformerLens does).
/// </summary>
public sealed record ProcessingOptions
{
    /// <summary>TransformerLens' <c>from_pretrained</c> defaults.</summary>
    public static ProcessingOptions TransformerLensDefaults { get; } = new();

    /// <summary>No processing: the raw checkpoint (TransformerLens' <c>from_pretrained_no_processing</c>).</summary>
    public static ProcessingOptions None { get; } = new()
    {
        FoldLn = false,
        CenterWritingWeights = false,
        CenterUnembed = false,
        FoldValueBiases = false,
    };

    /// <summary>Fold LayerNorm / RMSNorm weights into the reading weights (LN becomes LNPre, RMS becomes RMSPre).</summary>
    public bool FoldLn { get; init; } = true;

    /// <summary>Make every weight that writes to the residual stream have zero mean over d_model.</summary>
    public bool CenterWritingWeights { get; init; } = true;

    /// <summary>Make the unembedding have zero mean over the vocabulary (log-probabilities unchanged).</summary>
    public bool CenterUnembed { get; init; } = true;

    /// <summary>Move value biases into the output bias (attention patterns sum to one).</summary>
    public bool FoldValueBiases { get; init; } = true;

    public override string ToString() =>
        $"fold_ln={FoldLn}, center_writing_weights={CenterWritingWeights}, center_unembed={CenterUnembed}, fold_value_biases={FoldValueBiases}";
}
