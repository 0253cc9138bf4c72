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
    private readonly SourceOutputs _mean;

    /// <summary>Takes ownership of <paramref name="mean"/> (each part <c>[rows, 1, p or 1, features]</c>).</summary>
    public ReferenceMeanAblation(MeanAblation kind, SourceOutputs mean)
    {
        _kind = kind;
        _mean = mean;
    }

    public string Name => _kind.Name;

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input) =>
        _kind.Expand(_mean, input.Clean.Batch, input.Clean.Positions);

    public void Dispose() => _mean.Dispose();
}
