namespace CircuitFinder.Patching.Views;

/// <summary>
/// What <see cref="PatchingMap"/> patches: <see cref="What"/> (<c>resid-pre</c>, <c>attn-out</c>, <c>mlp-out</c>,
/// <c>head-z</c>, <c>head-q</c>, <c>head-k</c>, <c>head-v</c>, <c>head-pattern</c>), the direction, and the positions:
/// null patches the residual-stream components at every position one by one and the head components at all positions at
/// once; a list patches only those positions, one by one (for heads: a row per head).
/// </summary>
public sealed record PatchingMapOptions
{
    public required string What { get; init; }

    /// <summary>True (the default): clean activations into the corrupted run; false: corrupted into the clean run.</summary>
    public bool Denoise { get; init; } = true;

    public IReadOnlyList<int>? Positions { get; init; }
}
