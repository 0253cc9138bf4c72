namespace CircuitFinder.Graph.Diff;

/// <summary>
/// One parameter (TransformerLens name, e.g. <c>blocks.1.attn.W_O</c>) of two same-shaped models: the Frobenius norms
/// of A's and B's value and of their difference.
/// </summary>
public sealed record WeightDiff(string Name, IReadOnlyList<long> Shape, double NormA, double NormB, double DifferenceNorm)
{
    /// <summary>‖B − A‖ / ‖A‖ (over ‖B‖ where ‖A‖ is 0; 0 where both are).</summary>
    public double Relative => RelativeNorm.Of(DifferenceNorm, NormA, NormB);
}
