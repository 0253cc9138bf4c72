using static TorchSharp.torch;

namespace CircuitFinder.Patching.Metrics;

/// <summary>Reads values at answer tokens with −1 padding, for the metrics.</summary>
internal static class TokenGather
{
    /// <summary>Values <c>[V, b, n]</c> of <paramref name="values"/> <c>[V, b, vocab]</c> at <paramref name="tokens"/> <c>[b, n]</c>, and the validity mask <c>[1, b, n]</c>.</summary>
    public static (Tensor Values, Tensor Valid) At(Tensor values, Tensor tokens)
    {
        long variants = values.shape[0];
        tokens = tokens.to(values.device);
        var valid = tokens.ge(0); // [b, n]
        var index = tokens.clamp_min(0).unsqueeze(0).expand(variants, tokens.shape[0], tokens.shape[1]); // [V, b, n]
        return (values.gather(2, index), valid.unsqueeze(0).to(values.dtype));
    }

    /// <summary>Mean over valid entries along the last axis: <c>[V, b]</c>.</summary>
    public static Tensor MaskedMean(Tensor values, Tensor valid) => (values * valid).sum(-1) / valid.sum(-1).clamp_min(1);

    /// <summary>Sum over valid entries along the last axis: <c>[V, b]</c>.</summary>
    public static Tensor MaskedSum(Tensor values, Tensor valid) => (values * valid).sum(-1);
}
