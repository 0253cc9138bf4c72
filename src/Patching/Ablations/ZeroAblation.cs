using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>Zero ablation: x̃_s = 0 (biases stay).</summary>
public sealed class ZeroAblation : IAblation
{
    public string Name => "zero";

    public Tensor AblatedOutputs(EdgeMaskedForward engine, AblationInput input) =>
        zeros_like(input.CleanRecord.Outputs).DetachFromDisposeScope();
}
