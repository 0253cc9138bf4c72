using CircuitFinder.Model.Checkpoints;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Training;

/// <summary>
/// Reference outputs shipped beside a model: <c>expected.json</c> lists token sequences, <c>expected.safetensors</c>
/// holds the logits the model gave on each (<c>logits_{i}</c>, <c>[pos, d_vocab_out]</c>), so a test can check a
/// loaded model reproduces them.
/// </summary>
public static class ExpectedLogits
{
    public const string JsonFile = "expected.json";
    public const string TensorFile = "expected.safetensors";

    public static void Write(HookedTransformer model, string folder, IReadOnlyList<int[]> sequences, string description)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < sequences.Count; i++)
        {
            var tokens = tensor(sequences[i].Select(t => (long)t).ToArray()).unsqueeze(0); // [1, p]
            logits[Key(i)] = model.Forward(tokens).squeeze(0).contiguous(); // [p, v]
        }

        SafetensorsWriter.Write(Path.Combine(folder, TensorFile), logits);
        var json = new JObject
        {
            ["description"] = description,
            ["processing"] = "none (load with ProcessingOptions.None to compare)",
            ["sequences"] = new JArray(sequences.Select(s => new JArray(s))),
        };
        JsonFiles.WriteIndented(Path.Combine(folder, JsonFile), json);
    }

    /// <summary>The shipped sequences and their logits <c>[pos, d_vocab_out]</c>; the caller owns the tensors.</summary>
    public static IReadOnlyList<(int[] Tokens, Tensor Logits)> Read(string folder)
    {
        string jsonPath = Path.Combine(folder, JsonFile);
        var json = JObject.Parse(InputFile.ReadAllText(jsonPath));
        var sequences = (json["sequences"] as JArray ?? throw new BadInputException($"{jsonPath}: missing 'sequences'"))
            .Select(s => s.Values<int>().ToArray()).ToList();
        using var tensors = SafetensorsReader.Read(Path.Combine(folder, TensorFile));
        return sequences.Select((s, i) => (s, tensors.Take(Key(i)))).ToList();
    }

    private static string Key(int index) => $"logits_{index}";
}
