using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The prompts a patching run evaluates: <see cref="Tokens"/> <c>[batch, pos]</c>, an optional padding mask
/// <c>[batch, pos]</c> (1 = real token) and the per-prompt position where logits are read <c>[batch]</c>
/// (null: every position), and for a positional graph each position's group <c>[batch, pos]</c> (int64 indices into
/// the graph's <see cref="Graph.GraphPositions"/>; null for <see cref="Graph.PositionMode.All"/>, where the group is the
/// position). Does not own its tensors.
/// </summary>
public sealed record PatchingInput(Tensor Tokens, Tensor? AttentionMask = null, Tensor? ReadPositions = null, Tensor? PositionGroups = null)
{
    public long Batch => Tokens.shape[0];

    public long Positions => Tokens.shape[1];

    /// <summary>The same input with every tensor on <paramref name="device"/> (this record itself when they already are).</summary>
    public PatchingInput On(Device device)
    {
        bool Here(Tensor? t) => t is null || (t.device_type == device.type && t.device_index == device.index);
        return Here(Tokens) && Here(AttentionMask) && Here(ReadPositions) && Here(PositionGroups)
            ? this
            : new PatchingInput(Tokens.to(device), AttentionMask?.to(device), ReadPositions?.to(device), PositionGroups?.to(device));
    }
}
