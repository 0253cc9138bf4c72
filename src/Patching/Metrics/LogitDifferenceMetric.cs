using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Logit difference: mean logit of the answers minus mean logit of the wrong answers (IOI: IO − S).</summary>
public sealed class LogitDifferenceMetric : IMetric
{
    public string Name => "logit-diff";

    public bool HigherIsBetter => true;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var (right, rightValid) = TokenGather.At(logits, target.Answers);
        var (wrong, wrongValid) = TokenGather.At(logits, target.WrongAnswers);
        return TokenGather.MaskedMean(right, rightValid) - TokenGather.MaskedMean(wrong, wrongValid); // [V, b]
    }
}
