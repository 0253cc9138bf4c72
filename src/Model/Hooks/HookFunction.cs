using TorchSharp;

namespace CircuitFinder.Model.Hooks;

/// <summary>
/// A hook on a <see cref="HookPoint"/>: it sees the activation and returns null to keep it, or a
/// tensor (same shape) to replace it downstream.
/// </summary>
public delegate torch.Tensor? HookFunction(torch.Tensor activation, HookPoint hook);
