using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Zoo;

/// <summary>
/// A state dict being written by hand: every parameter a config implies starts at zero, single entries are set by
/// key and index, and <see cref="Build"/> copies them into a model (checked key by key and shape by shape).
/// </summary>
internal sealed class PlantedWeights
{
    private readonly HookedTransformerConfig _config;
    private readonly Dictionary<string, (long[] Shape, float[] Data)> _weights;

    public PlantedWeights(HookedTransformerConfig config)
    {
        _config = config;
        _weights = ParameterShapes.For(config).ToDictionary(
            kv => kv.Key, kv => (kv.Value, new float[kv.Value.Aggregate(1L, (a, b) => a * b)]), StringComparer.Ordinal);
    }

    /// <summary>Sets <c>key[index] = value</c>; the index has one entry per dimension.</summary>
    public void Set(string key, float value, params long[] index)
    {
        var (shape, data) = _weights.TryGetValue(key, out var w) ? w : throw new ArgumentException($"no parameter '{key}'", nameof(key));
        if (index.Length != shape.Length)
        {
            throw new ArgumentException($"{key}: {index.Length} indices for {shape.Length} dimensions", nameof(index));
        }

        long offset = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if (index[d] < 0 || index[d] >= shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"{key}: index {index[d]} outside dimension {d} of size {shape[d]}");
            }

            offset = (offset * shape[d]) + index[d];
        }

        data[offset] = value;
    }

    /// <summary>A model holding these weights; <paramref name="source"/> names it in errors.</summary>
    public HookedTransformer Build(string source)
    {
        var tensors = _weights.ToDictionary(kv => kv.Key, kv => tensor(kv.Value.Data, kv.Value.Shape), StringComparer.Ordinal);
        try
        {
            return HookedTransformer.Create(_config, tensors, source);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }
}
