using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// What every block of one run reads besides the residual stream. The batch is <see cref="Variants"/> copies of
/// <c>b</c> prompts (1 for a plain run): <see cref="Blocked"/> <c>[n|1, 1, q, k]</c> (true = may not attend) and
/// <see cref="Positions"/> <c>[n, pos, d_model]</c> (shortformer models: added to the query and key inputs after ln1;
/// otherwise null) are for the whole batch, <see cref="PromptBlocked"/> and <see cref="PromptPositions"/> for one copy
/// of the prompts (recomputed heads). Does not own its tensors; they live on the model's device.
/// </summary>
public sealed record ForwardContext(
    int Variants,
    Tensor? Blocked,
    Tensor? PromptBlocked,
    Tensor? Positions,
    Tensor? PromptPositions,
    bool MaskHasPadding,
    ModelRunOptions Options)
{
    /// <summary>
    /// The one position per batch row <c>[n]</c> at which the caller reads the last block's output (logits at read
    /// positions), or null for every position. When set, the last block runs its MLP at those positions only and
    /// leaves the MLP's contribution out of the others, which nothing reads. Runs that fire hooks never set it.
    /// </summary>
    public Tensor? FinalReadPositions { get; init; }
}
