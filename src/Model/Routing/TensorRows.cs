using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// Selecting rows by index with advanced indexing (<c>aten::index</c>), which every libtorch device implements,
/// including the data-free <c>meta</c> device the device tests run on (it has no <c>index_select</c> kernel).
/// </summary>
public static class TensorRows
{
    /// <summary>The entries of <paramref name="x"/> at <paramref name="index"/> <c>[n]</c> along dimension 0.</summary>
    public static Tensor Rows(this Tensor x, Tensor index) => x[TensorIndex.Tensor(index)];

    /// <summary>The entries of <paramref name="x"/> at <paramref name="index"/> <c>[n]</c> along dimension 1.</summary>
    public static Tensor Columns(this Tensor x, Tensor index) => x[TensorIndex.Colon, TensorIndex.Tensor(index)];

    /// <summary>Whether <paramref name="x"/> lives on <paramref name="device"/> (by type and index: devices are compared by value).</summary>
    public static bool IsOn(Tensor x, Device device) => x.device_type == device.type && x.device_index == device.index;
}
