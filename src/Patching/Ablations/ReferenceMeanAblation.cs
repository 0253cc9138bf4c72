using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>
/// Mean ablation whose reference mean was computed once (<see cref="MeanAblation.ReferenceMean"/>), for prompt batches
/// that all ablate towards the whole task's mean: each batch then costs no extra forward over the task. Owns the mean.
/// </summary>
public sealed class ReferenceMeanAblation : IAblation, IDisposable
{
    private readonly MeanAblation _kind;
    private readonly Tensor _mean;

    /// <summary>Takes ownership of <paramref name="mean"/> <c>[n_sources, 1, p or 1, d_model]</c>.</summary>
    public ReferenceMeanAblation(MeanAblation kind, Tensor mean)
    {
        _kind = kind;
        _mean = mean.DetachFromDisposeScope();
    }

    public string Name => _kind.Name;

    public Tensor AblatedOutputs(EdgeMaskedForward engine, AblationInput input) =>
        _kind.Expand(_mean, input.Clean.Batch, input.Clean.Positions).DetachFromDisposeScope();

    public void Dispose() => _mean.Dispose();
}
