using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Cross-entropy loss of the first answer token: −log p(answer).</summary>
public sealed class LossMetric : IMetric
{
    public string Name => "loss";

    public bool HigherIsBetter => false;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var (logProbs, _) = TokenGather.At(logits.log_softmax(-1), target.Answers.narrow(1, 0, 1));
        return -logProbs.squeeze(-1); // [V, b]
    }
}
