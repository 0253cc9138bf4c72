using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>KL(clean ‖ patched) of the next-token distributions: Σ p_clean (log p_clean − log p).</summary>
public sealed class KlDivergenceMetric : IMetric
{
    public string Name => "kl";

    public bool HigherIsBetter => false;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var clean = target.CleanLogits.log_softmax(-1).unsqueeze(0); // [1, b, v]
        var patched = logits.log_softmax(-1); // [V, b, v]
        return (clean.exp() * (clean - patched)).sum(-1); // [V, b]
    }
}
