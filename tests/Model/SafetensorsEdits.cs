using CircuitFinder.Model.Checkpoints;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>Bad-input tests' way of breaking a checkpoint: read a safetensors file, edit its tensors, write it back.</summary>
internal static class SafetensorsEdits
{
    public static void Rewrite(string path, Action<Dictionary<string, Tensor>> edit)
    {
        Dictionary<string, Tensor> weights;
        using (var dict = SafetensorsReader.Read(path))
        {
            weights = dict.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        }

        edit(weights);
        SafetensorsWriter.Write(path, weights);
        foreach (var t in weights.Values)
        {
            t.Dispose();
        }
    }
}
