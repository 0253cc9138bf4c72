using System.Text.RegularExpressions;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// TransformerLens / Neel Nanda toy-model folders: <c>config.json</c> in <c>HookedTransformerConfig</c> keys or
/// Neel's keys, weights in TransformerLens keys (<c>model_final.safetensors</c>, <c>model_final.pth</c>, or the
/// folder's one weights file); <c>attn.mask</c>, <c>attn.IGNORE</c> and rotary buffers skipped.
/// </summary>
public sealed partial class TransformerLensLayout : ICheckpointLayout
{
    public string Name => "transformerlens";

    public bool Recognises(JObject config) => config.ContainsKey("d_model") && config.ContainsKey("n_layers");

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        var config = ConfigJson.FromTransformerLens(json, Path.Combine(folder, "config.json"));
        string file = weightsFile ?? FindWeights(folder);
        using var raw = CheckpointReader.Read(file);
        StateDictChecks.EnsureFinite(raw);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in raw)
        {
            if (IgnoredBuffer().IsMatch(key))
            {
                continue;
            }

            if (!tensor.is_floating_point())
            {
                throw new BadInputException($"{file}: key '{key}' holds {tensor.dtype} values, expected floating-point weights");
            }

            var copy = tensor.to(ScalarType.Float32).clone();
            copy.DetachFromDisposeScope();
            weights[GroupedKeyValue().Replace(key, "$1$2")] = copy; // TransformerLens' grouped-query _W_K is our W_K
        }

        return new ConvertedCheckpoint(config, weights, file);
    }

    private static string FindWeights(string folder)
    {
        var preferred = WeightFiles.FindFirst(folder, "model_final.safetensors", "model_final.pth", "model.safetensors");
        if (preferred is not null)
        {
            return preferred;
        }

        var all = WeightFiles.All(folder);
        return all.Count switch
        {
            1 => all[0],
            0 => throw new BadInputException($"{folder}: no weights file (.safetensors, .pth, .pt, .bin) beside config.json"),
            _ => throw new BadInputException(
                $"{folder}: several weight files ({string.Join(", ", all.Select(Path.GetFileName))}); name one with --weights"),
        };
    }

    [GeneratedRegex(@"^blocks\.\d+\.attn\.(mask|IGNORE|rotary_sin|rotary_cos)$")]
    private static partial Regex IgnoredBuffer();

    [GeneratedRegex(@"^(blocks\.\d+\.attn\.)_([Wb]_[KV])$")]
    private static partial Regex GroupedKeyValue();
}
