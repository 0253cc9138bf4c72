using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>Batches of several variants of the same prompts, variant-major: row <c>v · b + i</c> is prompt i of variant v.</summary>
public static class VariantBatch
{
    /// <summary><paramref name="x"/> <c>[b, ...]</c> repeated for <paramref name="variants"/> variants: <c>[variants · b, ...]</c>.</summary>
    public static Tensor Repeat(Tensor x, int variants)
    {
        if (variants == 1)
        {
            return x;
        }

        var shape = x.shape;
        return x.unsqueeze(0).expand([variants, .. shape]).reshape([variants * shape[0], .. shape[1..]]);
    }
}
