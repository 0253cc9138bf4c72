namespace CircuitFinder.Graph.Diff;

/// <summary>
/// One component patched from B into A (its activation at every position of B's run replaces A's):
/// <paramref name="Kind"/> is <c>head</c> (its <c>hook_result</c>), <c>mlp</c> (<c>hook_mlp_out</c>) or <c>resid</c>
/// (<c>hook_resid_pre</c> of <paramref name="Layer"/>, or the last layer's <c>hook_resid_post</c> for
/// <c>resid_post</c>). <paramref name="Recovery"/> is the fraction of B's advantage over A on the selected positions
/// that the patch recovers: Σ (log p_patched − log p_A) / Σ (log p_B − log p_A).
/// </summary>
public sealed record PatchRecovery(string Component, string Kind, int Layer, int? Head, double Recovery);
