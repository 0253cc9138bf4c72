using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// Per-head weights of every layer as TransformerLens shapes them, <c>[n_heads, ...]</c>: a grouped-query model's key
/// and value weights (<c>[n_key_value_heads, ...]</c>) are repeated so that query head h reads its group's, as
/// TransformerLens' <c>W_K</c> / <c>W_V</c> properties do.
/// </summary>
public static class HeadWeights
{
    public static IReadOnlyList<Tensor> W_Q(HookedTransformer model) => Each(model, b => b.Attn.W_Q);

    public static IReadOnlyList<Tensor> W_K(HookedTransformer model) => Each(model, b => b.Attn.W_K);

    public static IReadOnlyList<Tensor> W_V(HookedTransformer model) => Each(model, b => b.Attn.W_V);

    public static IReadOnlyList<Tensor> W_O(HookedTransformer model) => Each(model, b => b.Attn.W_O);

    private static List<Tensor> Each(HookedTransformer model, Func<Model.Modules.TransformerBlock, Tensor> weight)
    {
        ArgumentNullException.ThrowIfNull(model);
        long heads = model.Config.NHeads;
        return model.Blocks.Select(b =>
        {
            var w = weight(b);
            return w.shape[0] == heads || heads % w.shape[0] != 0 ? w : w.repeat_interleave(heads / w.shape[0], dim: 0);
        }).ToList();
    }
}
