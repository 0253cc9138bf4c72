using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// Rotary position embeddings in the rotate-half form of GPT-NeoX and Llama (TransformerLens with
/// <c>rotary_adjacent_pairs = false</c>): the first <c>rotary_dim</c> dims of each head's query or key are split into
/// halves (x₁, x₂) and become x·cos θ + (−x₂, x₁)·sin θ, with θ = position / base^(2i / rotary_dim) for frequency i;
/// the remaining dims pass through. Positions are 0, 1, ... along the sequence. The inverse frequencies are rounded to
/// float32, as HuggingFace's rotary modules hold them; with Llama 3's rope scaling (<see cref="Llama3Scaled"/>) they
/// are rescaled by wavelength first.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly int _dim;
    private readonly int _nCtx;
    private readonly double[] _inverseFrequency;
    private Tensor? _cos; // [rows, rotary_dim], rows ≤ n_ctx: built for the longest sequence seen so far, not for n_ctx
    private Tensor? _sin; // [rows, rotary_dim]

    public RotaryEmbedding(int rotaryDim, int nCtx, double rotaryBase, Func<double, double>? scaling = null)
    {
        _dim = rotaryDim;
        _nCtx = nCtx;
        int half = rotaryDim / 2;
        _inverseFrequency = Enumerable.Range(0, half)
            .Select(i => (double)(float)(1.0 / Math.Pow(rotaryBase, 2.0 * i / rotaryDim)))
            .Select(f => scaling is null ? f : (double)(float)scaling(f))
            .ToArray();
    }

    /// <summary>Rotating dims per head.</summary>
    public int Dim => _dim;

    /// <summary>The inverse frequencies (float32 values), one per rotating pair.</summary>
    public IReadOnlyList<double> InverseFrequencies => _inverseFrequency;

    /// <summary>The rotary embedding <paramref name="config"/> asks for (its rotary dims, base and rope scaling).</summary>
    public static RotaryEmbedding For(Config.HookedTransformerConfig config) => new(
        config.EffectiveRotaryDim,
        config.NCtx,
        config.RotaryBase,
        config.UseNtkByPartsRope ? f => Llama3Scaled(f, config.NtkByPartsFactor, config.NtkByPartsLowFreqFactor, config.NtkByPartsHighFreqFactor, config.NtkOriginalCtxLen) : null);

    /// <summary>
    /// Llama 3's rope scaling of one inverse frequency (HuggingFace's <c>rope_type: llama3</c>): with wavelength
    /// λ = 2π / f, frequencies with λ &lt; original / high are kept, those with λ &gt; original / low are divided by
    /// <paramref name="factor"/>, those between become f·((1 − s) / factor + s) with s = (original / λ − low) / (high − low).
    /// </summary>
    public static double Llama3Scaled(double f, double factor, double low, double high, int original)
    {
        double wavelength = 2 * Math.PI / f;
        if (wavelength < original / high)
        {
            return f;
        }

        if (wavelength > original / low)
        {
            return f / factor;
        }

        double smooth = ((original / wavelength) - low) / (high - low);
        return ((1 - smooth) * f / factor) + (smooth * f);
    }

    /// <summary>
    /// Rotates <paramref name="x"/> <c>[..., pos, ..., d_head]</c> whose positions lie along <paramref name="positionDim"/>
    /// (e.g. 1 for <c>[batch, pos, head, d_head]</c>, 2 for <c>[T, batch, pos, d_head]</c>).
    /// </summary>
    public Tensor Apply(Tensor x, int positionDim)
    {
        long pos = x.shape[positionDim], e = x.shape[^1];
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        shape[positionDim] = pos;
        shape[^1] = _dim;
        var (cosTable, sinTable) = Tables(pos);
        var cos = cosTable.narrow(0, 0, pos).to(x.device).view(shape); // broadcastable to x's rotating part
        var sin = sinTable.narrow(0, 0, pos).to(x.device).view(shape);
        var rotating = x.narrow(-1, 0, _dim); // [..., r]
        var first = rotating.narrow(-1, 0, _dim / 2);
        var second = rotating.narrow(-1, _dim / 2, _dim / 2);
        var rotatedHalf = cat([second.neg(), first], -1); // [..., r]
        var rotated = (rotating * cos).add_(rotatedHalf * sin, Scalars.One); // [..., r]
        return _dim == e ? rotated : cat([rotated, x.narrow(-1, _dim, e - _dim)], -1); // [..., e]
    }

    public void Dispose()
    {
        _cos?.Dispose();
        _sin?.Dispose();
        _cos = _sin = null;
    }

    /// <summary>
    /// cos θ and sin θ for at least <paramref name="pos"/> positions (host, float32): grown on demand (doubling, at most
    /// n_ctx rows), so a config's n_ctx never allocates by itself. Each row depends on its position only.
    /// </summary>
    private (Tensor Cos, Tensor Sin) Tables(long pos)
    {
        if (_cos is not null && _sin is not null && _cos.shape[0] >= pos)
        {
            return (_cos, _sin);
        }

        int rows = (int)Math.Min(_nCtx, Math.Max(pos, 2 * (_cos?.shape[0] ?? 32)));
        using var scope = NewDisposeScope();
        int half = _dim / 2;
        var angles = new double[(long)rows * _dim];
        for (int p = 0; p < rows; p++)
        {
            for (int i = 0; i < half; i++)
            {
                double angle = p * _inverseFrequency[i];
                angles[((long)p * _dim) + i] = angle;
                angles[((long)p * _dim) + half + i] = angle;
            }
        }

        var theta = tensor(angles, [rows, _dim], ScalarType.Float64); // [rows, r]; host: Apply moves the tables to each input's device
        Dispose();
        _cos = theta.cos().to(ScalarType.Float32).DetachFromDisposeScope();
        _sin = theta.sin().to(ScalarType.Float32).DetachFromDisposeScope();
        return (_cos, _sin);
    }
}
