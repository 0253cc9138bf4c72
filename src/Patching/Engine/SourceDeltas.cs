using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The per-variant differences x_s − x̃_s of the sources an edge-masked run needs, <c>[V, b, p, d]</c> each. Sparse: a
/// tensor per source. Dense: rows of one position-major buffer <c>[V, b·p, 1 + n_sources, d]</c> (slot 0 holds the
/// residual stream being corrected, slot 1 + s source s), so that the summed correction of many ablated edges into
/// many destinations, residual included, is one batched matrix product with a ±1/0 mask (<see cref="Corrected"/>)
/// instead of one subtraction per edge. Position-major, the product is a batch of <c>[slots × sources] ×
/// [sources × d]</c> products, about twice as fast here as one flat <c>[slots × sources] × [sources × b·p·d]</c>.
/// </summary>
internal sealed class SourceDeltas
{
    private readonly Dictionary<int, Tensor> _rows = new();
    private readonly Tensor? _buffer;
    private readonly int _variants;
    private readonly long[] _shape;
    private readonly bool[] _written; // per buffer slot: holds a delta or zeros

    public SourceDeltas(int variants, int sources, long b, long p, long d, bool dense, ScalarType dtype, Device device)
    {
        _variants = variants;
        _shape = [variants, b, p, d];
        // not zeroed: a product reads only slots below its prefix, and Corrected zeroes those never written (once)
        _buffer = dense ? empty([variants, b * p, 1 + sources, d], dtype, device) : null;
        _written = dense ? new bool[1 + sources] : [];
    }

    /// <summary>Whether the deltas live in one buffer (and <see cref="Corrected"/> can be used).</summary>
    public bool Dense => _buffer is not null;

    public IReadOnlyCollection<int> Sources => _rows.Keys;

    public bool Contains(int source) => _rows.ContainsKey(source);

    /// <summary>x_s − x̃_s for each variant, <c>[V, b, p, d]</c> (a strided view into the buffer when dense).</summary>
    public Tensor this[int source] => _rows[source];

    /// <summary>Stores source <paramref name="source"/>'s delta (<c>[V, b, p, d]</c> or broadcastable to it).</summary>
    public void Set(int source, Tensor delta)
    {
        if (_buffer is null)
        {
            _rows[source] = delta;
            return;
        }

        var row = Slot(1 + source); // [V, b, p, d], a view into the buffer
        row.copy_(delta.expand(_shape));
        _written[1 + source] = true;
        _rows[source] = row;
    }

    /// <summary>Stores the deltas of sources <paramref name="first"/> … <paramref name="first"/> + k − 1, <c>[k, V, b, p, d]</c>, in one copy.</summary>
    public void SetRange(int first, Tensor deltas)
    {
        int k = (int)deltas.shape[0];
        if (_buffer is not null)
        {
            var rows = _buffer.narrow(2, 1 + first, k).view(_shape[0], _shape[1], _shape[2], k, _shape[3]); // [V, b, p, k, d], a view into the buffer
            rows.copy_(deltas.permute(1, 2, 3, 0, 4));
            Array.Fill(_written, true, 1 + first, k);
        }

        for (int i = 0; i < k; i++)
        {
            _rows[first + i] = _buffer is null ? deltas[i] : Slot(1 + first + i);
        }
    }

    /// <summary>
    /// <c>resid[v] − Σ_s mask[v, j, s] · (x_s − x̃_s)</c> for destination slots j, <c>[V, b, p, slots, d]</c>, where
    /// <paramref name="residual"/> is <c>[V, b, p, d]</c> and <paramref name="entries"/> lists the (variant, slot, source)
    /// triples whose mask is 1. Slots from <paramref name="withoutResidual"/> on get only the sum of their ablated deltas,
    /// negated (no residual). One batched product; only the buffer's first <c>1 + max source + 1</c> slots take part.
    /// With <paramref name="positions"/>, an entry's mask is 1 only at the rows of its group (a mask per row).
    /// </summary>
    public Tensor Corrected(Tensor residual, IReadOnlyCollection<(int Variant, int Slot, int Source, int Group)> entries, int slots, int withoutResidual = int.MaxValue, PositionRows? positions = null)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("sparse deltas have no dense correction");
        int prefix = Prefix(entries);
        Slot(0).copy_(residual); // the residual enters the product as slot 0
        long rows = _shape[1] * _shape[2], d = _shape[3];
        var used = buffer.narrow(2, 0, prefix); // [V, b·p, prefix, d]
        if (positions is not null)
        {
            var perRow = PositionMask(entries, slots, prefix, withoutResidual, positions.Count).index_select(1, positions.Flat); // [V, b·p, slots, prefix]
            return matmul(perRow, used).view(_variants, _shape[1], _shape[2], slots, d); // [V, b, p, slots, d]
        }

        var m = Mask(entries, slots, prefix, withoutResidual); // [V, slots, prefix]
        var result = _variants == 1
            ? bmm(m[0].unsqueeze(0).expand(rows, slots, prefix), used[0]).unsqueeze(0) // [1, b·p, slots, d]
            : matmul(m.unsqueeze(1), used); // [V, b·p, slots, d]
        return result.view(_variants, _shape[1], _shape[2], slots, d); // [V, b, p, slots, d]
    }

    /// <summary>
    /// <see cref="Corrected"/> for one slot at one position per prompt: <paramref name="residual"/> <c>[V, b, d]</c> is
    /// the stream at <paramref name="rows"/> <c>[b]</c> (flat indices b·p + position into the buffer's rows); returns
    /// <c>[V, b, d]</c>. Reads only those rows of the buffer.
    /// </summary>
    public Tensor CorrectedAt(Tensor residual, IReadOnlyCollection<(int Variant, int Slot, int Source, int Group)> entries, Tensor rows, PositionRows? positions = null)
    {
        var buffer = _buffer ?? throw new InvalidOperationException("sparse deltas have no dense correction");
        int prefix = Prefix(entries);
        long b = rows.shape[0], d = _shape[3];
        var used = buffer.narrow(2, 0, prefix).gather(1, rows.view(1, b, 1, 1).expand(_variants, b, prefix, d)); // [V, b, prefix, d], a copy of those rows
        used.select(2, 0).copy_(residual);
        var mask = positions is null
            ? Mask(entries, 1, prefix, int.MaxValue).unsqueeze(1) // [V, 1, 1, prefix]
            : PositionMask(entries, 1, prefix, int.MaxValue, positions.Count).index_select(1, positions.Flat.index_select(0, rows)); // [V, b, 1, prefix]
        return matmul(mask, used).squeeze(2); // [V, b, 1, d] -> [V, b, d]
    }

    /// <summary>Whether a dense product is cheaper than one subtraction per entry for a group of this size.</summary>
    public bool PreferDense(int entries, int slots, int prefix) => Dense && entries * 16L >= (long)_variants * slots * prefix;

    /// <summary>The buffer slots a product over <paramref name="entries"/> reads (the residual and sources 0 … max); zeroes the never-written ones among them.</summary>
    private int Prefix(IReadOnlyCollection<(int Variant, int Slot, int Source, int Group)> entries)
    {
        int prefix = 1 + entries.Max(x => x.Source) + 1;
        for (int slot = 1; slot < prefix; slot++)
        {
            if (!_written[slot])
            {
                _buffer!.select(2, slot).zero_(); // a source no edge of this run needs: its mask column is 0, and 0 × garbage may be NaN
                _written[slot] = true;
            }
        }

        return prefix;
    }

    /// <summary>The product's mask <c>[V, slots, prefix]</c>: +1 for the residual (slots below <paramref name="withoutResidual"/>), −1 per ablated edge.</summary>
    private Tensor Mask(IReadOnlyCollection<(int Variant, int Slot, int Source, int Group)> entries, int slots, int prefix, int withoutResidual)
    {
        var mask = new float[_variants * slots * prefix];
        for (int v = 0; v < _variants; v++)
        {
            for (int j = 0; j < Math.Min(slots, withoutResidual); j++)
            {
                mask[((v * slots) + j) * prefix] = 1f;
            }
        }

        foreach (var (variant, slot, source, _) in entries)
        {
            mask[(((variant * slots) + slot) * prefix) + 1 + source] = -1f;
        }

        return tensor(mask, [_variants, slots, prefix], device: _buffer!.device).to(_buffer.dtype);
    }

    /// <summary>The mask per position group <c>[V, groups, slots, prefix]</c>: the residual in every group, −1 per ablated edge in its own.</summary>
    private Tensor PositionMask(IReadOnlyCollection<(int Variant, int Slot, int Source, int Group)> entries, int slots, int prefix, int withoutResidual, int groups)
    {
        var mask = new float[_variants * groups * slots * prefix];
        for (int vg = 0; vg < _variants * groups; vg++)
        {
            for (int j = 0; j < Math.Min(slots, withoutResidual); j++)
            {
                mask[((vg * slots) + j) * prefix] = 1f;
            }
        }

        foreach (var (variant, slot, source, group) in entries)
        {
            mask[(((((variant * groups) + group) * slots) + slot) * prefix) + 1 + source] = -1f;
        }

        return tensor(mask, [_variants, groups, slots, prefix], device: _buffer!.device).to(_buffer.dtype);
    }

    /// <summary>Buffer slot <paramref name="slot"/> as <c>[V, b, p, d]</c>, a strided view.</summary>
    private Tensor Slot(int slot) => _buffer!.select(2, slot).view(_shape);
}
