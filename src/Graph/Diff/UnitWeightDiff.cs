namespace CircuitFinder.Graph.Diff;

/// <summary>
/// The weights of one attention head (<c>L1H2</c>: its W_Q, W_K, W_V, W_O slices and their biases) or one MLP neuron
/// (<c>L0N5</c>: its W_in column, b_in entry, W_gate column where gated, W_out row) in two same-shaped models.
/// </summary>
public sealed record UnitWeightDiff(string Unit, int Layer, int Index, double NormA, double NormB, double DifferenceNorm)
{
    /// <summary>‖B − A‖ / ‖A‖ over the unit's weights (over ‖B‖ where ‖A‖ is 0; 0 where both are).</summary>
    public double Relative => RelativeNorm.Of(DifferenceNorm, NormA, NormB);
}
