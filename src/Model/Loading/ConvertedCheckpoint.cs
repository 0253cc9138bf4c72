using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>A checkpoint converted to TransformerLens keys and config, before any processing. Owns its tensors.</summary>
public sealed class ConvertedCheckpoint : IDisposable
{
    public ConvertedCheckpoint(HookedTransformerConfig config, Dictionary<string, Tensor> weights, string weightsFile)
    {
        Config = config;
        Weights = weights;
        WeightsFile = weightsFile;
    }

    public HookedTransformerConfig Config { get; }

    /// <summary>Weights in TransformerLens keys and shapes.</summary>
    public Dictionary<string, Tensor> Weights { get; }

    public string WeightsFile { get; }

    public void Dispose()
    {
        foreach (var t in Weights.Values)
        {
            t.Dispose();
        }

        Weights.Clear();
    }
}
