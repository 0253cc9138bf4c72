using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>A way to compute each source's ablated output x̃_s (DESIGN.md, "Patching semantics").</summary>
public interface IAblation
{
    /// <summary>The CLI key: <c>resample</c>, <c>mean</c>, <c>mean-positions</c>, <c>zero</c>, <c>noise</c>.</summary>
    string Name { get; }

    /// <summary>x̃ for every source, <c>[n_sources, batch, pos, d_model]</c> (may be a broadcast view), owned by the caller.</summary>
    Tensor AblatedOutputs(EdgeMaskedForward engine, AblationInput input);
}
