using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>
/// What an ablation may draw on: the clean prompts and their recorded run, the paired corrupted prompts (resample),
/// a reference set (mean; the clean prompts when null) and a seed (noise). Does not own its tensors.
/// </summary>
public sealed record AblationInput(
    PatchingInput Clean,
    SourceRecord CleanRecord,
    Tensor? CorruptedTokens = null,
    Tensor? ReferenceTokens = null,
    Tensor? ReferenceMask = null,
    long Seed = 0);
