namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// One row of an activation-patching table: the metric of a clean run in which <paramref name="Component"/>
/// (<c>resid_pre</c>, <c>attn_out</c>, <c>mlp_out</c>, <c>z</c>, <c>q</c>, <c>k</c>, <c>v</c>, <c>pattern</c>) of
/// <paramref name="Layer"/> was replaced by its corrupted value, at <paramref name="Position"/> (null: every position)
/// and for <paramref name="Head"/> (null: not a per-head component).
/// </summary>
public sealed record PatchResult(string Component, int Layer, int? Position, int? Head, double Metric);
