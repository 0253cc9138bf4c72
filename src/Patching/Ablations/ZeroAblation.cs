using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>Zero ablation: x̃_s = 0 (biases stay).</summary>
public sealed class ZeroAblation : IAblation
{
    public string Name => "zero";

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input) =>
        input.CleanRecord.Sources.Map(t => zeros_like(t)); // at neuron level, zero post-activations (and gains) are zero outputs
}
