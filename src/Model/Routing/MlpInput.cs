using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>What one layer's MLP reads, before ln2: <see cref="Shared"/> <c>[n, pos, d_model]</c>.</summary>
public sealed record MlpInput(Tensor Shared);
