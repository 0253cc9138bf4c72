using static TorchSharp.torch;

namespace CircuitFinder.Patching;

/// <summary>
/// One batch of a task's prompts ready for patching: its edge patcher (clean run recorded, ablation computed) and the
/// answers the metric reads, <c>[batch, n_answers]</c> and <c>[batch, n_wrong]</c>. Does not own its tensors.
/// </summary>
public sealed record PromptBatch(EdgePatcher Patcher, Tensor Answers, Tensor WrongAnswers)
{
    /// <summary>Prompts in the batch.</summary>
    public long Count => Patcher.Input.Batch;
}
