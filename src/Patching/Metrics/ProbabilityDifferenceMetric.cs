using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Probability difference (greater-than): total probability of the answers minus that of the wrong answers.</summary>
public sealed class ProbabilityDifferenceMetric : IMetric
{
    public string Name => "prob-diff";

    public bool HigherIsBetter => true;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var probs = logits.softmax(-1); // [V, b, v]
        var (right, rightValid) = TokenGather.At(probs, target.Answers);
        var (wrong, wrongValid) = TokenGather.At(probs, target.WrongAnswers);
        return TokenGather.MaskedSum(right, rightValid) - TokenGather.MaskedSum(wrong, wrongValid); // [V, b]
    }
}
