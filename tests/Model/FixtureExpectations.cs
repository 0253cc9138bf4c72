using CircuitFinder.Model.Checkpoints;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>
/// A fixture's reference data: <c>expected.json</c> (tokens, atol) and <c>expected.safetensors</c> (logits and
/// activations under TransformerLens hook names), computed by an independent implementation (see tests/Fixtures/README.md).
/// </summary>
public sealed class FixtureExpectations : IDisposable
{
    public FixtureExpectations(string folder)
    {
        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var rows = ((JArray)json["tokens"]!).Select(r => ((JArray)r).Select(t => (long)t).ToArray()).ToArray();
        Tokens = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        Tokens.DetachFromDisposeScope();
        Atol = (double?)json["atol"] ?? 1e-4;
        Tensors = SafetensorsReader.Read(Path.Combine(folder, "expected.safetensors"));
    }

    /// <summary>[batch, pos] token ids.</summary>
    public Tensor Tokens { get; }

    public double Atol { get; }

    /// <summary><c>logits</c> and activations by hook name.</summary>
    public StateDict Tensors { get; }

    /// <summary>The hook activations (every key but <c>logits</c> and the model's own buffers, <c>model.*</c>).</summary>
    public IEnumerable<string> ActivationNames => Tensors.Keys.Where(k => k != "logits" && !k.StartsWith("model.", StringComparison.Ordinal));

    public void Dispose()
    {
        Tokens.Dispose();
        Tensors.Dispose();
    }
}
