using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Hooks;

/// <summary>
/// Activations recorded by <see cref="HookedTransformer.RunWithCache(Tensor, IEnumerable{string}?, Tensor?)"/>,
/// keyed by hook name. Owns its tensors; dispose it to free them.
/// </summary>
public sealed class ActivationCache : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _activations = new(StringComparer.Ordinal);

    public int Count => _activations.Count;

    public IEnumerable<string> Keys => _activations.Keys;

    public IEnumerable<Tensor> Values => _activations.Values;

    public Tensor this[string key] => _activations.TryGetValue(key, out var t)
        ? t
        : throw new KeyNotFoundException($"activation '{key}' was not cached (cached: {string.Join(", ", _activations.Keys.Take(8))}{(_activations.Count > 8 ? ", ..." : string.Empty)})");

    public bool ContainsKey(string key) => _activations.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _activations.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _activations.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stores (a detached alias of) an activation, replacing what was stored under the name.</summary>
    internal void Store(string name, Tensor activation, bool keepGraph)
    {
        var kept = keepGraph ? activation.alias() : activation.detach();
        kept.DetachFromDisposeScope();
        if (_activations.Remove(name, out var old))
        {
            old.Dispose();
        }

        _activations[name] = kept;
    }

    public void Dispose()
    {
        foreach (var t in _activations.Values)
        {
            t.Dispose();
        }

        _activations.Clear();
    }
}
