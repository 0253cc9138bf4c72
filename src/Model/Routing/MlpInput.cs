using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// What one layer's MLP reads, before ln2: <see cref="Shared"/> <c>[n, pos, d_model]</c>, and optionally single neurons
/// whose pre-activations are recomputed on inputs of their own (<see cref="Rows"/>, neuron-level patching).
/// </summary>
public sealed record MlpInput(Tensor Shared, NeuronRows? Rows = null);
