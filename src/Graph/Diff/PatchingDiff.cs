namespace CircuitFinder.Graph.Diff;

/// <summary>
/// Activation patching from B into A on the positions where B beats A most (<paramref name="Positions"/>, as
/// <see cref="TokenDiff.Position"/>): <paramref name="Advantage"/> is Σ (log p_B − log p_A) over them, and
/// <paramref name="Components"/> every head, MLP and residual-stream patch, ranked by recovery (largest first). Where the
/// advantage is 0 every recovery is 0.
/// </summary>
public sealed record PatchingDiff(IReadOnlyList<int> Positions, double Advantage, IReadOnlyList<PatchRecovery> Components)
{
    /// <summary>The head patches only, ranked.</summary>
    public IReadOnlyList<PatchRecovery> Heads => Components.Where(c => c.Kind == "head").ToList();
}
