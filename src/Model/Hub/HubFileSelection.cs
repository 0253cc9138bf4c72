using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// Which of a repo's files a model needs, as the loaders read them: <c>config.json</c>, the tokenizer files, and one set
/// of weights from the top folder — safetensors in preference to pickles: <c>model.safetensors</c>, else the shards of
/// <c>model.safetensors.index.json</c>, else TransformerLens' <c>model_final.safetensors</c>, else
/// <c>pytorch_model.bin</c>, the shards of <c>pytorch_model.bin.index.json</c>, <c>model_final.pth</c>, else the one
/// weights file there is. Training checkpoints in sub-folders are never fetched.
/// </summary>
public static class HubFileSelection
{
    /// <summary>The tokenizer files the tokenizer loader reads (with their companions), fetched when the repo has them.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "tokenizer_vocab.json"];

    private static readonly string[] PreferredWeights =
        ["model.safetensors", "model.safetensors.index.json", "model_final.safetensors", "pytorch_model.bin", "pytorch_model.bin.index.json", "model_final.pth"];

    private static readonly string[] WeightExtensions = [".safetensors", ".pth", ".pt", ".bin", ".ckpt"];

    /// <summary>True when the file is a shard index whose <c>weight_map</c> names the shards to fetch too.</summary>
    public static bool IsIndex(string file) => file.EndsWith(".index.json", StringComparison.Ordinal);

    /// <summary>The files of a model in <paramref name="revision"/> (a shard index, not yet its shards).</summary>
    public static IReadOnlyList<string> ForModel(HubRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var present = revision.Files.ToHashSet(StringComparer.Ordinal);
        string where = $"{revision.RepoId}@{revision.Commit[..8]}";
        if (!present.Contains("config.json"))
        {
            throw new BadInputException($"{where}: the repo has no config.json, so it is not a model this tool can load");
        }

        var topWeights = revision.Files.Where(f => !f.Contains('/', StringComparison.Ordinal) && WeightExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).ToList();
        string weights = PreferredWeights.FirstOrDefault(present.Contains)
            ?? (topWeights.Count == 1 ? topWeights[0] : null)
            ?? throw new BadInputException(topWeights.Count == 0
                ? $"{where}: no weights file (model.safetensors, pytorch_model.bin, a sharded index or model_final.pth) in the repo"
                : $"{where}: several weight files ({string.Join(", ", topWeights)}) and none of the usual names; download the one wanted by hand");
        return ["config.json", .. ForTokenizer(revision), weights];
    }

    /// <summary>The tokenizer files <paramref name="revision"/> has.</summary>
    public static IReadOnlyList<string> ForTokenizer(HubRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return TokenizerFiles.Where(revision.Files.Contains).ToList();
    }

    /// <summary>The shard files a <c>*.index.json</c> names in its <c>weight_map</c>, in order, each once.</summary>
    public static IReadOnlyList<string> Shards(string indexPath, string where)
    {
        var json = JsonFiles.ReadObject(indexPath);
        if (json["weight_map"] is not JObject map)
        {
            throw new BadInputException($"{where}: the shard index has no 'weight_map' object");
        }

        var shards = map.Properties().Select(p => p.Value.Type == JTokenType.String ? (string)p.Value! : string.Empty).Distinct(StringComparer.Ordinal).ToList();
        var bad = shards.FirstOrDefault(s => s.Length == 0 || s.Contains('/', StringComparison.Ordinal) || s.Contains('\\', StringComparison.Ordinal) || s.StartsWith('.'));
        return bad is null ? shards : throw new BadInputException($"{where}: the shard index names '{bad}', not a file beside it");
    }
}
