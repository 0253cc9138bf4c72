using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Accuracy: 1 where the most likely next token (over the whole vocabulary) is one of the answers, else 0.</summary>
public sealed class AccuracyMetric : IMetric
{
    public string Name => "accuracy";

    public bool HigherIsBetter => true;

    public Tensor PerPrompt(Tensor logits, MetricTarget target)
    {
        var top = logits.argmax(-1).unsqueeze(-1); // [V, b, 1]
        var answers = target.Answers.unsqueeze(0); // [1, b, n]
        return top.eq(answers).any(-1).to(logits.dtype); // [V, b]
    }
}
