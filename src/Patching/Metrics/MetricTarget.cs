using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>
/// What metrics compare against, per prompt: answer tokens <c>[batch, n_answers]</c> and wrong-answer tokens
/// <c>[batch, n_wrong]</c> (int64, −1 pads ragged rows), and the clean model's logits at the read position
/// <c>[batch, d_vocab_out]</c> (for KL divergence). Does not own its tensors.
/// </summary>
public sealed record MetricTarget(Tensor Answers, Tensor WrongAnswers, Tensor CleanLogits);
