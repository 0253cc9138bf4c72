using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// One run's per-source outputs and residual streams: <see cref="Outputs"/> <c>[n_sources, batch, pos, d_model]</c>
/// in <see cref="GraphLayout.Sources"/> order, <see cref="ResidPre"/> per layer and <see cref="ResidFinal"/> (before
/// the final normalization), each <c>[batch, pos, d_model]</c>. Owns its tensors.
/// </summary>
public sealed class SourceRecord : IDisposable
{
    public SourceRecord(Tensor outputs, IReadOnlyList<Tensor> residPre, Tensor residFinal, IReadOnlyList<Tensor?>? mlpIn = null)
    {
        Outputs = outputs.DetachFromDisposeScope();
        ResidPre = residPre.Select(t => t.DetachFromDisposeScope()).ToList();
        ResidFinal = residFinal.DetachFromDisposeScope();
        MlpIn = (mlpIn ?? residPre.Select(_ => (Tensor?)null)).Select(t => t?.DetachFromDisposeScope()).ToList();
    }

    /// <summary><c>[n_sources, batch, pos, d_model]</c>.</summary>
    public Tensor Outputs { get; }

    /// <summary>Per layer, <c>[batch, pos, d_model]</c>.</summary>
    public IReadOnlyList<Tensor> ResidPre { get; }

    /// <summary>Per layer, what the MLP reads <c>[batch, pos, d_model]</c> (resid_mid, or resid_pre in parallel blocks; null without an MLP).</summary>
    public IReadOnlyList<Tensor?> MlpIn { get; }

    /// <summary><c>[batch, pos, d_model]</c>, before <c>ln_final</c>.</summary>
    public Tensor ResidFinal { get; }

    public void Dispose()
    {
        Outputs.Dispose();
        foreach (var t in ResidPre)
        {
            t.Dispose();
        }

        ResidFinal.Dispose();
        foreach (var t in MlpIn)
        {
            t?.Dispose();
        }
    }
}
