namespace CircuitFinder.Graph.Diff;

/// <summary>
/// Direct logit attribution of one component (<c>embed</c>, <c>pos_embed</c>, <c>L1H2</c>, <c>L0 b_O</c>,
/// <c>MLP0</c>, <c>ln_final.b</c>, <c>b_U</c>) to the actual next token, averaged over the text's positions, in each
/// model; <paramref name="MeanAbsDifference"/> is the mean over positions of |B − A|.
/// </summary>
public sealed record AttributionDiff(string Component, double MeanA, double MeanB, double MeanAbsDifference)
{
    /// <summary>Mean B − mean A.</summary>
    public double MeanDifference => MeanB - MeanA;
}
