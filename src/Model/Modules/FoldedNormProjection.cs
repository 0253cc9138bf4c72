using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// A normalization followed by a per-head projection, computed without writing the normalized inputs: with the
/// normalization's scale w and shift β folded into the weights, LN(x)·W + b = (x·W′ − μ·1ᵀW′) / σ + b′ where
/// W′ = diag(w)·W, b′ = β·W + b, and per row μ = mean(x), σ = √(mean(x²) − μ² + eps) (RMS norms: no μ). That is three
/// passes over x (the product and two row reductions) instead of the normalization's seven or so; patching runs,
/// whose per-head inputs are large, use it. Keeps the folded weights of each channel (q, k, v) until invalidated.
/// </summary>
internal sealed class FoldedNormProjection
{
    private readonly (Tensor W, Tensor ColumnSums, Tensor B)?[] _cache = new (Tensor, Tensor, Tensor)?[3];

    /// <summary>
    /// <paramref name="norm"/> then <paramref name="weight"/> <c>[H, d, e]</c> and <paramref name="bias"/> <c>[H, e]</c>
    /// on head-major inputs <paramref name="x"/> <c>[h, n, p, d]</c>, where H is h or (grouped keys and values) the
    /// number of groups, a group's query heads being consecutive: <c>[n, p, h, e]</c> (a view). The folded weights of
    /// <paramref name="channel"/> are kept when <paramref name="cacheable"/> (the weights take no gradient).
    /// </summary>
    public Tensor Project(Tensor x, Normalization norm, Tensor weight, Tensor bias, int channel, bool cacheable)
    {
        long heads = x.shape[0], n = x.shape[1], p = x.shape[2], d = x.shape[3];
        var (w, columnSums, b) = Folded(norm, weight, bias, channel, cacheable); // [H, d, e], [H, 1, e], [H, 1, e]
        long groups = w.shape[0], e = w.shape[2];
        var flat = x.reshape(groups, heads / groups * n * p, d); // [H, rows, d]
        var projected = bmm(flat, w); // [H, rows, e]
        var norms = linalg.vector_norm(flat, 2, [-1L], keepdim: true); // [H, rows, 1]: √Σ x², no temporary copy of x
        var squares = norms * norms; // [H, rows, 1]
        Tensor variance;
        if (norm.Centred)
        {
            var mean = flat.mean([-1L], keepdim: true); // [H, rows, 1]
            projected = projected - (mean * columnSums); // [H, rows, e]
            variance = (squares / d) - (mean * mean);
        }
        else
        {
            variance = squares / d;
        }

        var scale = variance.add_(norm.EpsScalar, Scalars.One).sqrt_(); // [H, rows, 1]; mean(x²) − μ² ≥ −rounding, and eps is larger
        return (projected / scale).add_(b, Scalars.One).view(heads, n, p, e).permute(1, 2, 0, 3); // [n, p, h, e]
    }

    /// <summary>Drops the folded weights (after the weights or the normalization changed, or moved).</summary>
    public void Invalidate()
    {
        for (int c = 0; c < _cache.Length; c++)
        {
            if (_cache[c] is { } kept)
            {
                kept.W.Dispose();
                kept.ColumnSums.Dispose();
                kept.B.Dispose();
            }

            _cache[c] = null;
        }
    }

    /// <summary>W′ = diag(w)·W <c>[H, d, e]</c>, its column sums <c>[H, 1, e]</c> and b′ = β·W + b <c>[H, 1, e]</c>.</summary>
    private (Tensor W, Tensor ColumnSums, Tensor B) Folded(Normalization norm, Tensor weight, Tensor bias, int channel, bool cacheable)
    {
        if (cacheable && _cache[channel] is { } cached)
        {
            return cached;
        }

        using var noGrad = cacheable ? no_grad() : null;
        long groups = weight.shape[0], d = weight.shape[1], e = weight.shape[2];
        var w = norm.Weight is { } scale ? weight * scale.view(1, d, 1) : weight; // [H, d, e]
        var b = bias.view(groups, 1, e); // [H, 1, e]
        if (norm.Bias is { } shift)
        {
            b = b + matmul(shift.view(1, 1, d), weight); // [H, 1, e]
        }

        var folded = (W: w.contiguous(), ColumnSums: w.sum([1L], keepdim: true), B: b.contiguous());
        if (cacheable)
        {
            _cache[channel] = (folded.W.DetachFromDisposeScope(), folded.ColumnSums.DetachFromDisposeScope(), folded.B.DetachFromDisposeScope());
        }

        return folded;
    }
}
