using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// Neurons recomputed on inputs of their own: the batch is <see cref="Variants"/> copies of <c>b</c> prompts; row t gives
/// neuron <see cref="Neuron"/>[t] of variant <see cref="Variant"/>[t] the input <see cref="Inputs"/>[t] <c>[b, pos, d_model]</c>
/// (before ln2).
/// </summary>
public sealed record NeuronRows(int Variants, IReadOnlyList<int> Variant, IReadOnlyList<int> Neuron, Tensor Inputs);
