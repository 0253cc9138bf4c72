using System.Text.RegularExpressions;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// The weights of a HuggingFace model folder, read key by key while converting: <c>model.safetensors</c>,
/// <c>pytorch_model.bin</c>, or shards listed by <c>model.safetensors.index.json</c> /
/// <c>pytorch_model.bin.index.json</c> (their <c>weight_map</c>). Every read checks the shape the config implies and
/// names the key; keys never read are an error unless they are known buffers.
/// </summary>
internal sealed partial class HuggingFaceCheckpoint : IDisposable
{
    private static readonly string[] SingleFiles = ["model.safetensors", "pytorch_model.bin"];
    private static readonly string[] IndexFiles = ["model.safetensors.index.json", "pytorch_model.bin.index.json"];

    private readonly StateDict _raw;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly int _layers;
    private readonly string _layerField;

    private HuggingFaceCheckpoint(StateDict raw, string file, int layers, string layerField)
    {
        _raw = raw;
        File = file;
        _layers = layers;
        _layerField = layerField;
    }

    /// <summary>The weights file (or shard index) read, for messages.</summary>
    public string File { get; }

    /// <summary>
    /// Opens the folder's weights (or <paramref name="weightsFile"/>); <paramref name="layers"/> and
    /// <paramref name="layerField"/> (the config's layer count and its key) make messages about missing layers clearer.
    /// </summary>
    public static HuggingFaceCheckpoint Open(string folder, string? weightsFile, int layers, string layerField)
    {
        string file = weightsFile
            ?? WeightFiles.FindFirst(folder, SingleFiles)
            ?? WeightFiles.FindFirst(folder, IndexFiles)
            ?? throw new BadInputException(
                $"{folder}: no model.safetensors, pytorch_model.bin or sharded *.index.json beside config.json");
        var raw = file.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase) ? ReadShards(file) : CheckpointReader.Read(file);
        try
        {
            StateDictChecks.EnsureFinite(raw);
            return new HuggingFaceCheckpoint(raw, file, layers, layerField);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    public bool Contains(string key) => _raw.ContainsKey(key);

    /// <summary>The stored shape of <paramref name="key"/>, or null when absent (nothing is marked used).</summary>
    public long[]? ShapeOf(string key) => _raw.TryGetValue(key, out var t) ? t.shape : null;

    /// <summary>The tensor under <paramref name="key"/> as float32 with exactly <paramref name="shape"/>; marks it used.</summary>
    public Tensor Get(string key, params long[] shape)
    {
        if (!_raw.TryGetValue(key, out var t))
        {
            var layer = LayerOf().Match(key);
            string where = layer.Success
                ? $" (layer {layer.Groups[1].Value}; config.json's {_layerField} is {_layers}, so layers 0..{_layers - 1} must all be present)"
                : string.Empty;
            throw new BadInputException($"{File}: missing key '{key}'{where}");
        }

        if (!t.shape.SequenceEqual(shape))
        {
            throw new BadInputException(
                $"{File}: key '{key}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}] from config.json");
        }

        _used.Add(key);
        return t.to(ScalarType.Float32);
    }

    /// <summary>Throws for the first key never read that <paramref name="ignored"/> does not match, naming the architecture.</summary>
    public void RejectUnused(Regex ignored, string architecture)
    {
        foreach (var key in _raw.Keys.Order(StringComparer.Ordinal))
        {
            if (!_used.Contains(key) && !ignored.IsMatch(key))
            {
                var layer = LayerOf().Match(key);
                string hint = layer.Success && int.Parse(layer.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= _layers
                    ? $" (config.json's {_layerField} is {_layers})"
                    : string.Empty;
                throw new BadInputException($"{File}: unexpected key '{key}' in a {architecture} checkpoint{hint}");
            }
        }
    }

    public void Dispose() => _raw.Dispose();

    /// <summary>Reads every shard a <c>*.index.json</c> names into one state dict.</summary>
    private static StateDict ReadShards(string indexPath)
    {
        var index = JsonFiles.ReadObject(indexPath);
        if (index["weight_map"] is not JObject map)
        {
            throw new BadInputException($"{indexPath}: missing object 'weight_map' (key -> shard file)");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var shards = map.Properties().Select(p => p.Value.Type == JTokenType.String
                ? (string)p.Value!
                : throw new BadInputException($"{indexPath}: weight_map['{p.Name}'] must be a file name"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var merged = new List<KeyValuePair<string, Tensor>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in shards)
            {
                string path = Path.Combine(folder, shard);
                if (Path.GetFileName(shard) != shard)
                {
                    throw new BadInputException($"{indexPath}: shard '{shard}' must be a file name in the same folder");
                }

                using var part = CheckpointReader.Read(path);
                foreach (var key in part.Keys.ToList())
                {
                    if (!names.Add(key))
                    {
                        throw new BadInputException($"{path}: key '{key}' appears in more than one shard");
                    }

                    merged.Add(new(key, part.Take(key)));
                }
            }

            foreach (var (key, shard) in map.Properties().Select(p => (p.Name, (string)p.Value!)))
            {
                if (!names.Contains(key))
                {
                    throw new BadInputException($"{indexPath}: weight_map lists '{key}' in '{shard}', but that shard does not hold it");
                }
            }
        }
        catch
        {
            foreach (var (_, t) in merged)
            {
                t.Dispose();
            }

            throw;
        }

        return new StateDict(indexPath, merged);
    }

    [GeneratedRegex(@"(?:^|\.)(?:layers|h)\.(\d+)\.")]
    private static partial Regex LayerOf();
}
