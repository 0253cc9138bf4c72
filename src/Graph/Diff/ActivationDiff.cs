namespace CircuitFinder.Graph.Diff;

/// <summary>
/// One hook point over the text: the mean over its elements of |B − A| and of |A| (masked, non-finite entries such as
/// attention scores above the diagonal left out).
/// </summary>
public sealed record ActivationDiff(string Hook, double MeanAbsDifference, double MeanAbsA)
{
    /// <summary>Mean |B − A| over mean |A| (0 where both are 0).</summary>
    public double Relative => RelativeNorm.Of(MeanAbsDifference, MeanAbsA, MeanAbsDifference);
}
