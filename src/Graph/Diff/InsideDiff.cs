namespace CircuitFinder.Graph.Diff;

/// <summary>
/// The diff of two models with the same internal structure, each list ranked largest first:
/// <paramref name="Parameters"/> by relative Frobenius norm, <paramref name="Heads"/> (every head) and
/// <paramref name="Neurons"/> (the top ones) by relative norm, <paramref name="Activations"/> by mean |B − A| per hook
/// point, <paramref name="Attribution"/> by mean |B − A| of each component's direct logit attribution, and
/// <paramref name="Patching"/>. The text-based parts are empty (and <paramref name="Patching"/> null) without a text;
/// <paramref name="Note"/> says why a part is missing.
/// </summary>
public sealed record InsideDiff(
    IReadOnlyList<WeightDiff> Parameters,
    IReadOnlyList<UnitWeightDiff> Heads,
    IReadOnlyList<UnitWeightDiff> Neurons,
    IReadOnlyList<ActivationDiff> Activations,
    IReadOnlyList<AttributionDiff> Attribution,
    PatchingDiff? Patching,
    string? Note)
{
    /// <summary>Whether every weight, activation, attribution difference and patching recovery is exactly 0.</summary>
    public bool Identical =>
        Parameters.All(p => p.DifferenceNorm == 0)
        && Heads.All(h => h.DifferenceNorm == 0)
        && Neurons.All(n => n.DifferenceNorm == 0)
        && Activations.All(a => a.MeanAbsDifference == 0)
        && Attribution.All(a => a.MeanAbsDifference == 0)
        && (Patching is null || (Patching.Advantage == 0 && Patching.Components.All(c => c.Recovery == 0)));
}
