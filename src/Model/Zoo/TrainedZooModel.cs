using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Training;

namespace CircuitFinder.Model.Zoo;

/// <summary>
/// A toy model trained by <c>circuitfinder zoo train</c> and shipped in the repository's <c>zoo/NAME</c> folder
/// (TransformerLens layout: config.json, model.safetensors, vocab.json, training.json). Read on first use.
/// </summary>
public sealed class TrainedZooModel : IZooModel
{
    private readonly Lazy<string> _folder;
    private readonly Lazy<HookedTransformerConfig> _config;
    private readonly Lazy<IReadOnlyList<string>> _vocabulary;

    public TrainedZooModel(string name, string description, string taskName)
    {
        Name = name;
        Description = description;
        TaskName = taskName;
        _folder = new Lazy<string>(() => ShippedZoo.Folder(name));
        _config = new Lazy<HookedTransformerConfig>(() =>
        {
            string path = Path.Combine(_folder.Value, "config.json");
            return ConfigJson.FromTransformerLens(JsonFiles.ReadObject(path, InputFile.ConfigLimit), path);
        });
        _vocabulary = new Lazy<IReadOnlyList<string>>(() => PlainVocabularyTokenizer.Load(Path.Combine(_folder.Value, "vocab.json")).Tokens);
    }

    public string Name { get; }

    public string Description { get; }

    public string TaskName { get; }

    public HookedTransformerConfig Config => _config.Value;

    public IReadOnlyList<string> Vocabulary => _vocabulary.Value;

    public IReadOnlyList<string> GroundTruthEdges => [];

    public bool HasGroundTruth => false;

    /// <summary>The shipped folder (with training.json and, for attn-only-2l, checkpoints/).</summary>
    public string Folder => _folder.Value;

    public HookedTransformer Create()
    {
        string path = Path.Combine(_folder.Value, "model.safetensors");
        using var weights = CheckpointReader.Read(path);
        StateDictChecks.EnsureFinite(weights);
        return HookedTransformer.Create(Config, weights, path);
    }
}
