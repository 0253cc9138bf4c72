using static TorchSharp.torch;

namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// Reduces logits <c>[batch, pos, d_vocab_out]</c> of one (possibly patched) run to one number, e.g. the logit
/// difference at the last position. Built by the caller; tensors it creates may be left to the caller's dispose scope.
/// </summary>
public delegate double PatchingMetric(Tensor logits);
