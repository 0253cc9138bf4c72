using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Attribution;

/// <summary>
/// An ablation moved only a fraction ε of the way from the clean output: x + ε (x̃ − x), for finite differences. At
/// neuron level the post-activations move so (a neuron's output is linear in them); under sandwich norms a neuron's
/// output is not, and the ablation refuses.
/// </summary>
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

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        using var scope = NewDisposeScope();
        using var full = _inner.AblatedOutputs(engine, input);
        var clean = input.CleanRecord.Sources;
        if (clean.Gain is not null)
        {
            throw new NotSupportedException("a neuron's output under sandwich norms is not linear in what the record holds");
        }

        Tensor Step(Tensor x, Tensor ablated) => x + (_epsilon * (ablated - x));
        return new SourceOutputs(Step(clean.Outputs, full.Outputs), clean.Post is null ? null : Step(clean.Post, full.Post!));
    }
}
