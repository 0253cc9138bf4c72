using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// One run's per-source outputs and residual streams: <see cref="Outputs"/> <c>[n_sources, batch, pos, d_model]</c>
/// in <see cref="GraphLayout.Sources"/> order, <see cref="ResidPre"/> per layer and <see cref="ResidFinal"/> (before
/// the final normalization), each <c>[batch, pos, d_model]</c>. Owns its tensors.
/// </summary>
public sealed class SourceRecord : IDisposable
{
    public SourceRecord(Tensor outputs, IReadOnlyList<Tensor> residPre, Tensor residFinal)
    {
        Outputs = outputs.DetachFromDisposeScope();
        ResidPre = residPre.Select(t => t.DetachFromDisposeScope()).ToList();
        ResidFinal = residFinal.DetachFromDisposeScope();
    }

    /// <summary><c>[n_sources, batch, pos, d_model]</c>.</summary>
    public Tensor Outputs { get; }

    /// <summary>Per layer, <c>[batch, pos, d_model]</c>.</summary>
    public IReadOnlyList<Tensor> ResidPre { get; }

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
    }
}
