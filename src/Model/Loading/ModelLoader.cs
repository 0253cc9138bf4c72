using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Zoo;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// Loads a model from a folder (or a weights file inside one), recognising the layout from <c>config.json</c>,
/// converting to TransformerLens keys, checking every weight is finite, and processing weights as asked; or a built-in
/// model named <c>zoo:NAME</c> (<see cref="ZooCatalog"/>), processed the same way; or, when the path names nothing on disk,
/// a hub id or TransformerLens name with an optional <c>@REVISION</c>, found in the HuggingFace cache (<see cref="HubModels"/>).
/// </summary>
public static class ModelLoader
{
    /// <summary>The layouts tried, in order.</summary>
    public static IReadOnlyList<ICheckpointLayout> Layouts { get; } = [
        new HuggingFaceGpt2Layout(), new HuggingFaceNeoXLayout(), new HuggingFaceGptNeoLayout(), new HuggingFaceLlamaLayout(),
        new HuggingFaceMistralLayout(), new HuggingFaceQwen2Layout(), new HuggingFacePhi3Layout(), new HuggingFaceGemma2Layout(), new TransformerLensLayout(),
    ];

    public static LoadedModel Load(string path, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        if (path.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal))
        {
            return LoadZoo(path[ZooCatalog.Prefix.Length..], options);
        }

        string folder, weightsFile;
        string? explicitWeights = options.WeightsFile, tokenizerFolder = null;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            var snapshot = HubModels.Locate(path, options.Hub ?? HubOptions.FromProcessEnvironment(), options.Download);
            (path, tokenizerFolder) = (snapshot.Folder, snapshot.TokenizerFolder);
        }

        if (File.Exists(path))
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            explicitWeights ??= Path.GetFullPath(path);
        }
        else if (Directory.Exists(path))
        {
            folder = Path.GetFullPath(path);
        }
        else
        {
            throw new BadInputException($"{path}: model folder not found");
        }

        if (explicitWeights is not null && !File.Exists(explicitWeights))
        {
            throw new BadInputException($"{explicitWeights}: weights file not found");
        }

        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            bool hasWeights = WeightFiles.All(folder).Count > 0;
            throw new BadInputException(hasWeights
                ? $"{folder}: no config.json beside the weights; a model folder needs one (HuggingFace or TransformerLens keys)"
                : $"{folder}: no recognisable checkpoint (expected config.json with model.safetensors, pytorch_model.bin or model_final.pth)");
        }

        var json = JsonFiles.ReadObject(configPath, InputFile.ConfigLimit);
        var layout = Layouts.FirstOrDefault(l => l.Recognises(json)) ?? throw Unrecognised(configPath, json);
        using var converted = layout.Read(folder, json, explicitWeights);
        weightsFile = converted.WeightsFile;
        ParameterShapes.Check(converted.Config, converted.Weights, weightsFile);

        var (config, weights, applied) = WeightProcessing.Apply(converted.Config, converted.Weights, options.Processing);
        try
        {
            var model = HookedTransformer.Create(config, weights, weightsFile);
            var tokenizer = TokenizerLoader.ForModelFolder(folder, config.DVocab, (string?)json["model_type"])
                ?? (tokenizerFolder is null ? null : TokenizerLoader.ForModelFolder(tokenizerFolder, config.DVocab, (string?)json["model_type"]));
            return new LoadedModel(model, tokenizer, folder, layout.Name, weightsFile, applied);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    private static LoadedModel LoadZoo(string name, LoadOptions options)
    {
        var zoo = ZooCatalog.Get(name);
        string source = ZooCatalog.Prefix + zoo.Name;
        if (options.WeightsFile is not null)
        {
            throw new BadInputException($"{source}: a zoo model has no weights file to choose (--weights {options.WeightsFile})");
        }

        Dictionary<string, TorchSharp.torch.Tensor> raw;
        using (var planted = zoo.Create())
        {
            raw = planted.ToStateDict();
        }

        string sha256 = StateDictHash.Sha256(raw);
        var (config, weights, applied) = WeightProcessing.Apply(zoo.Config.Validate(source), raw, options.Processing);
        try
        {
            var model = HookedTransformer.Create(config, weights, source);
            var tokenizer = PlainVocabularyTokenizer.FromTokens(zoo.Vocabulary, source);
            return new LoadedModel(model, tokenizer, source, "zoo", source, applied, sha256);
        }
        finally
        {
            foreach (var t in weights.Values.Concat(raw.Values).Distinct())
            {
                t.Dispose();
            }
        }
    }

    private static BadInputException Unrecognised(string configPath, JObject json)
    {
        string? modelType = (string?)json["model_type"];
        return modelType is not null
            ? new BadInputException($"{configPath}: model_type '{modelType}' is not supported (supported: gpt2, gpt_neox, gpt_neo, llama, mistral, qwen2, phi3, gemma2, and TransformerLens configs)")
            : new BadInputException($"{configPath}: not a recognisable config (expected HuggingFace 'model_type' or TransformerLens 'd_model'/'n_layers' keys)");
    }
}
