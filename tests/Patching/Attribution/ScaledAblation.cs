using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Attribution;

/// <summary>An ablation moved only a fraction ε of the way from the clean output: x + ε (x̃ − x), for finite differences.</summary>
internal sealed class ScaledAblation : IAblation
{
    private readonly IAblation _inner;
    private readonly double _epsilon;

    public ScaledAblation(IAblation inner, double epsilon)
    {
        _inner = inner;
        _epsilon = epsilon;
    }

    public string Name => $"{_inner.Name}×{_epsilon}";

    public Tensor AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        using var full = _inner.AblatedOutputs(engine, input);
        var clean = input.CleanRecord.Outputs;
        return (clean + (_epsilon * (full - clean))).DetachFromDisposeScope();
    }
}
