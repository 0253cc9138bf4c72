using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The per-variant differences x_s − x̃_s of the sources an edge-masked run needs, <c>[V, b, p, d]</c> each. Sparse: a
/// tensor per source. Dense: rows of one buffer <c>[V, n_sources, b·p·d]</c>, so that the summed correction of many
/// ablated edges into many destinations is one batched matrix product with a 0/1 mask (<see cref="Corrected"/>)
/// instead of one subtraction per edge.
/// </summary>
internal sealed class SourceDeltas
{
    private readonly Dictionary<int, Tensor> _rows = new();
    private readonly Tensor? _buffer;
    private readonly int _variants;
    private readonly long[] _shape;

    public SourceDeltas(int variants, int sources, long b, long p, long d, bool dense, ScalarType dtype, Device device)
    {
        _variants = variants;
        _shape = [variants, b, p, d];
        _buffer = dense ? zeros([variants, sources, b * p * d], dtype, device) : null;
    }

    /// <summary>Whether the deltas live in one buffer (and <see cref="Corrected"/> can be used).</summary>
    public bool Dense => _buffer is not null;

    public IReadOnlyCollection<int> Sources => _rows.Keys;

    public bool Contains(int source) => _rows.ContainsKey(source);

    /// <summary>x_s − x̃_s for each variant, <c>[V, b, p, d]</c>.</summary>
    public Tensor this[int source] => _rows[source];

    /// <summary>Stores source <paramref name="source"/>'s delta (<c>[V, b, p, d]</c> or broadcastable to it).</summary>
    public void Set(int source, Tensor delta)
    {
        if (_buffer is null)
        {
            _rows[source] = delta;
            return;
        }

        var row = _buffer.select(1, source).view(_shape); // [V, b, p, d], a view into the buffer
        row.copy_(delta.expand(_shape));
        _rows[source] = row;
    }

    /// <summary>Stores the deltas of sources <paramref name="first"/> … <paramref name="first"/> + k − 1, <c>[k, V, b, p, d]</c>, in one copy.</summary>
    public void SetRange(int first, Tensor deltas)
    {
        int k = (int)deltas.shape[0];
        if (_buffer is not null)
        {
            var rows = _buffer.narrow(1, first, k).view(_variants, k, _shape[1], _shape[2], _shape[3]); // [V, k, b, p, d], a view into the buffer
            rows.copy_(deltas.transpose(0, 1));
        }

        for (int i = 0; i < k; i++)
        {
            _rows[first + i] = _buffer is null ? deltas[i] : _buffer.select(1, first + i).view(_shape);
        }
    }

    /// <summary>
    /// <c>resid[v] − Σ_s mask[v, j, s] · (x_s − x̃_s)</c> for destination slots j: <c>[V, slots, b·p·d]</c>: one batched
    /// product with a −1/0 mask, plus the residual, where <paramref name="residual"/> is <c>[V, b, p, d]</c> and
    /// <paramref name="entries"/> lists the (variant, slot, source) triples whose mask is 1; only the first
    /// <c>max source + 1</c> rows of the buffer take part.
    /// </summary>
    public Tensor Corrected(Tensor residual, IReadOnlyCollection<(int Variant, int Slot, int Source)> entries, int slots)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("sparse deltas have no dense correction");
        int prefix = entries.Max(x => x.Source) + 1;
        var mask = new float[_variants * slots * prefix];
        foreach (var (variant, slot, source) in entries)
        {
            mask[(((variant * slots) + slot) * prefix) + source] = 1f;
        }

        var m = tensor(mask, [_variants, slots, prefix], device: buffer.device).to(buffer.dtype).neg_(); // [V, slots, n]: −1 where ablated
        if (_variants == 1)
        {
            // one variant: a plain product with the residual added in it (libtorch's matrix product outruns its batched one here)
            return addmm(residual.reshape(1, -1), m[0], buffer[0].narrow(0, 0, prefix), 1, 1).unsqueeze(0); // [1, slots, b·p·d]
        }

        return bmm(m, buffer.narrow(1, 0, prefix)).add_(residual.reshape(_variants, 1, -1), Scalars.One); // [V, slots, b·p·d]
    }

    /// <summary>Whether a dense product is cheaper than one subtraction per entry for a group of this size.</summary>
    public bool PreferDense(int entries, int slots, int prefix) => Dense && entries * 16L >= (long)_variants * slots * prefix;
}
