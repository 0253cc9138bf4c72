using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// Rotary position embeddings in the rotate-half form of GPT-NeoX and Llama (TransformerLens with
/// <c>rotary_adjacent_pairs = false</c>): the first <c>rotary_dim</c> dims of each head's query or key are split into
/// halves (x₁, x₂) and become x·cos θ + (−x₂, x₁)·sin θ, with θ = position / base^(2i / rotary_dim) for frequency i;
/// the remaining dims pass through. Positions are 0, 1, ... along the sequence.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly int _dim;
    private readonly int _nCtx;
    private readonly double[] _inverseFrequency;
    private Tensor? _cos; // [rows, rotary_dim], rows ≤ n_ctx: built for the longest sequence seen so far, not for n_ctx
    private Tensor? _sin; // [rows, rotary_dim]

    public RotaryEmbedding(int rotaryDim, int nCtx, double rotaryBase)
    {
        _dim = rotaryDim;
        _nCtx = nCtx;
        int half = rotaryDim / 2;
        _inverseFrequency = Enumerable.Range(0, half).Select(i => 1.0 / Math.Pow(rotaryBase, 2.0 * i / rotaryDim)).ToArray();
    }

    /// <summary>Rotating dims per head.</summary>
    public int Dim => _dim;

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
