using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// Single heads recomputed on inputs of their own (edge patching): the batch is <see cref="Variants"/> copies of
/// <c>b</c> prompts (<c>n = Variants · b</c>); row t recomputes head <see cref="Head"/>[t] of variant
/// <see cref="Variant"/>[t] from <see cref="Q"/>, <see cref="K"/>, <see cref="V"/> <c>[T, b, pos, d_model]</c> (before ln1).
/// </summary>
public sealed record HeadRows(int Variants, IReadOnlyList<int> Variant, IReadOnlyList<int> Head, Tensor Q, Tensor K, Tensor V);
