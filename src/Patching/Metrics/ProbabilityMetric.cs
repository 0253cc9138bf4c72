using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Probability of the answer: the total next-token probability of the answer tokens.</summary>
public sealed class ProbabilityMetric : IMetric
{
    public string Name => "prob";

    public bool HigherIsBetter => true;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var (p, valid) = TokenGather.At(logits.softmax(-1), target.Answers);
        return TokenGather.MaskedSum(p, valid); // [V, b]
    }
}
