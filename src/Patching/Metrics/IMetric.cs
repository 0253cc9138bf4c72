using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>A task metric read from logits at each prompt's read position.</summary>
public interface IMetric
{
    /// <summary>The CLI key: <c>kl</c>, <c>logit-diff</c>, <c>prob</c>, <c>prob-diff</c>, <c>logprob</c>, <c>loss</c>, <c>accuracy</c>.</summary>
    string Name { get; }

    /// <summary>Whether a larger value means the model does the task better (false for KL and loss).</summary>
    bool HigherIsBetter { get; }

    /// <summary>Per-prompt values <c>[variants, batch]</c> for logits <c>[variants, batch, d_vocab_out]</c>.</summary>
    Tensor PerPrompt(Tensor logits, MetricTarget target);
}
