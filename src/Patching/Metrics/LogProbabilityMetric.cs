using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Log-probability of the answer: log of the total probability of the answer tokens.</summary>
public sealed class LogProbabilityMetric : IMetric
{
    public string Name => "logprob";

    public bool HigherIsBetter => true;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var (logProbs, valid) = TokenGather.At(logits.log_softmax(-1), target.Answers);
        var masked = logProbs.masked_fill(valid.eq(0), double.NegativeInfinity); // [V, b, n]
        return masked.logsumexp(-1); // [V, b]
    }
}
