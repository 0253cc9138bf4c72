using CircuitFinder.Model.Routing;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// A local attention layer's mask of the keys further back than its window (a query at i sees keys j with
/// i − window &lt; j ≤ i), kept for the longest sequence so far (never n_ctx by itself) on the weights' device.
/// </summary>
internal sealed class LocalWindowMask : IDisposable
{
    private readonly int _window;
    private readonly long _nCtx;
    private Tensor? _farKeys; // [size, size], true where i − j ≥ window

    public LocalWindowMask(int window, long nCtx)
    {
        _window = window;
        _nCtx = nCtx;
    }

    /// <summary><paramref name="blocked"/> <c>[b|1, 1, q, k]</c> (or none) plus the far keys, for <paramref name="pos"/> positions on <paramref name="device"/>.</summary>
    public Tensor Apply(Tensor? blocked, long pos, Device device)
    {
        if (_farKeys is not null && (!TensorRows.IsOn(_farKeys, device) || _farKeys.shape[0] < pos))
        {
            _farKeys.Dispose();
            _farKeys = null;
        }

        if (_farKeys is null)
        {
            long size = Math.Min(_nCtx, Math.Max(pos, 64)); // the sequence length in use, never n_ctx by itself
            _farKeys = ones(size, size, ScalarType.Bool, device: device).tril(-_window); // [size, size]
            _farKeys.DetachFromDisposeScope();
        }

        var far = _farKeys.narrow(0, 0, pos).narrow(1, 0, pos).unsqueeze(0).unsqueeze(0); // [1, 1, q, k]
        return blocked is null ? far : blocked.logical_or(far);
    }

    public void Dispose()
    {
        _farKeys?.Dispose();
        _farKeys = null;
    }
}
