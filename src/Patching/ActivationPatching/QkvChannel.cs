namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>The input of a receiver head that path patching replaces: its query, key or value (<c>hook_q/k/v</c>).</summary>
public enum QkvChannel
{
    Q,
    K,
    V,
}
