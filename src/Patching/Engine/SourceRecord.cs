using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// One run's source outputs and residual streams: <see cref="Sources"/> (the per-source outputs
/// <c>[n_sources, batch, pos, d_model]</c> in <see cref="GraphLayout.Sources"/> order, and at neuron level the neurons'
/// compact form), <see cref="ResidPre"/> per layer and <see cref="ResidFinal"/> (before the final normalization), each
/// <c>[batch, pos, d_model]</c>. Owns its tensors.
/// </summary>
public sealed class SourceRecord : IDisposable
{
    public SourceRecord(SourceOutputs sources, IReadOnlyList<Tensor> residPre, Tensor residFinal, IReadOnlyList<Tensor?>? mlpIn = null)
    {
        Sources = sources;
        ResidPre = residPre.Select(t => t.DetachFromDisposeScope()).ToList();
        ResidFinal = residFinal.DetachFromDisposeScope();
        MlpIn = (mlpIn ?? residPre.Select(_ => (Tensor?)null)).Select(t => t?.DetachFromDisposeScope()).ToList();
    }

    /// <summary>The sources' outputs in this run.</summary>
    public SourceOutputs Sources { get; }

    /// <summary><c>[n_sources, batch, pos, d_model]</c>: the outputs of the sources that are not neurons.</summary>
    public Tensor Outputs => Sources.Outputs;

    /// <summary>Per layer, <c>[batch, pos, d_model]</c>.</summary>
    public IReadOnlyList<Tensor> ResidPre { get; }

    /// <summary>Per layer, what the MLP reads <c>[batch, pos, d_model]</c> (resid_mid, or resid_pre in parallel blocks; null without an MLP).</summary>
    public IReadOnlyList<Tensor?> MlpIn { get; }

    /// <summary><c>[batch, pos, d_model]</c>, before <c>ln_final</c>.</summary>
    public Tensor ResidFinal { get; }

    /// <summary>Bytes held.</summary>
    public long Bytes => Sources.Bytes + ResidPre.Sum(Size) + MlpIn.Sum(Size) + Size(ResidFinal);

    public void Dispose()
    {
        Sources.Dispose();
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

    private static long Size(Tensor? t) => t is null ? 0 : t.NumberOfElements * t.ElementSize;
}
