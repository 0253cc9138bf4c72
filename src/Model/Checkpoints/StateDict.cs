using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Named tensors read from (or about to be written to) a checkpoint. Owns its tensors: they are
/// detached from every dispose scope and disposed with the dictionary.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    public StateDict(string source, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        Source = source;
        _tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors)
        {
            tensor.DetachFromDisposeScope();
            _tensors[key] = tensor;
        }
    }

    /// <summary>Where the tensors came from (a file path), for error messages.</summary>
    public string Source { get; }

    public int Count => _tensors.Count;

    public IEnumerable<string> Keys => _tensors.Keys;

    public IEnumerable<Tensor> Values => _tensors.Values;

    public Tensor this[string key] =>
        _tensors.TryGetValue(key, out var t) ? t : throw new BadInputException($"{Source}: missing key '{key}'");

    public bool ContainsKey(string key) => _tensors.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) =>
        _tensors.TryGetValue(key, out value);

    /// <summary>Removes a tensor from the dictionary without disposing it; the caller owns it afterwards.</summary>
    public Tensor Take(string key)
    {
        var t = this[key];
        _tensors.Remove(key);
        return t;
    }

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _tensors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in _tensors.Values)
        {
            t.Dispose();
        }

        _tensors.Clear();
    }
}
