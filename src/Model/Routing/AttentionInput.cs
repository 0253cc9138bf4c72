using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// What one layer's heads read, before ln1: one residual stream <see cref="Shared"/> <c>[n, pos, d_model]</c> for every
/// head and channel (the fused q/k/v projection), or per-head inputs <see cref="Q"/>, <see cref="K"/>, <see cref="V"/>
/// head-major <c>[head, n, pos, d_model]</c> (one batched product over heads, reading each head's rows in place); and optionally single heads recomputed on inputs of
/// their own (<see cref="Rows"/>), which replace those heads' values in the batch.
/// </summary>
public sealed record AttentionInput
{
    private AttentionInput(Tensor? shared, Tensor? q, Tensor? k, Tensor? v, HeadRows? rows)
    {
        Shared = shared;
        Q = q;
        K = k;
        V = v;
        Rows = rows;
    }

    /// <summary><c>[n, pos, d_model]</c>, read by every head (null when per head).</summary>
    public Tensor? Shared { get; }

    /// <summary><c>[head, n, pos, d_model]</c> (null when shared).</summary>
    public Tensor? Q { get; }

    public Tensor? K { get; }

    public Tensor? V { get; }

    /// <summary>Heads recomputed on inputs of their own, replacing theirs in the batch; null when none.</summary>
    public HeadRows? Rows { get; }

    /// <summary>Every head reads <paramref name="resid"/> <c>[n, pos, d_model]</c>.</summary>
    public static AttentionInput Of(Tensor resid, HeadRows? rows = null) => new(resid, null, null, null, rows);

    /// <summary>Each head reads its own q, k and v input <c>[head, n, pos, d_model]</c> (the same tensor may be passed for several).</summary>
    public static AttentionInput PerHead(Tensor q, Tensor k, Tensor v) => new(null, q, k, v, null);
}
