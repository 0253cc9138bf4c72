namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>Which per-head activation to patch: <c>hook_z</c>, <c>hook_q</c>, <c>hook_k</c>, <c>hook_v</c> or <c>hook_pattern</c>.</summary>
public enum HeadActivation
{
    Z,
    Q,
    K,
    V,
    Pattern,
}
