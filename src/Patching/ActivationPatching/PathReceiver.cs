using CircuitFinder.Model.Hooks;

namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// Where a path ends: the query, key or value of head <paramref name="Head"/> in <paramref name="Layer"/> (that head's slice
/// of <c>hook_q</c>/<c>hook_k</c>/<c>hook_v</c>), or, built by <see cref="ResidPost"/>, the whole residual stream after
/// <paramref name="Layer"/> (<c>hook_resid_post</c>; after the last layer that means "straight to the logits").
/// Under grouped-query attention a key or value receiver's <paramref name="Head"/> is a key/value head, as in
/// <c>hook_k</c>/<c>hook_v</c>.
/// </summary>
public sealed record PathReceiver(int Layer, int Head, QkvChannel Channel)
{
    /// <summary>True for the residual-stream receiver; <see cref="Head"/> is then -1 and <see cref="Channel"/> unused.</summary>
    public bool IsResidPost { get; private init; }

    /// <summary>The hook whose value the receiver takes from the sender-patched run.</summary>
    public string Hook => IsResidPost
        ? HookName.ResidPost(Layer)
        : Channel switch
        {
            QkvChannel.Q => HookName.Q(Layer),
            QkvChannel.K => HookName.K(Layer),
            _ => HookName.V(Layer),
        };

    /// <summary>The residual stream after <paramref name="layer"/> (all positions).</summary>
    public static PathReceiver ResidPost(int layer) => new(layer, -1, QkvChannel.Q) { IsResidPost = true };

    /// <summary>The last layer a sender may sit in to reach this receiver.</summary>
    internal int LastSenderLayer => IsResidPost ? Layer : Layer - 1;

    public override string ToString() => IsResidPost ? $"resid_post L{Layer}" : $"L{Layer}H{Head}.{Channel.ToString().ToLowerInvariant()}";
}
