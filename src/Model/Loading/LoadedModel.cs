using System.Security.Cryptography;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Model.Loading;

/// <summary>A model loaded from disk with what was learned on the way: layout, weights file, tokenizer, processing.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly Lazy<string> _sha256;

    /// <param name="weightsSha256">The weights' hash when there is no file to hash (zoo models); null hashes <paramref name="weightsFile"/>.</param>
    public LoadedModel(
        HookedTransformer model, ITokenizer? tokenizer, string source, string layout, string weightsFile, ProcessingOptions processing, string? weightsSha256 = null)
    {
        Model = model;
        Tokenizer = tokenizer;
        Source = source;
        Layout = layout;
        WeightsFile = weightsFile;
        Processing = processing;
        _sha256 = new Lazy<string>(() => weightsSha256 ?? HashFile(weightsFile));
    }

    public HookedTransformer Model { get; }

    /// <summary>The model's tokenizer, or null when it has none (token ids must then be given).</summary>
    public ITokenizer? Tokenizer { get; }

    /// <summary>The folder (or zoo name) the model came from.</summary>
    public string Source { get; }

    /// <summary>The checkpoint layout, e.g. <c>huggingface-gpt2</c>, <c>transformerlens</c> or <c>zoo</c>.</summary>
    public string Layout { get; }

    /// <summary>The weights file read, or the <c>zoo:NAME</c> of a built-in model.</summary>
    public string WeightsFile { get; }

    /// <summary>The processing that was actually applied.</summary>
    public ProcessingOptions Processing { get; }

    /// <summary>SHA-256 of the weights file (of the serialized state dict for zoo models), hex (computed on first use).</summary>
    public string WeightsSha256 => _sha256.Value;

    public void Dispose() => Model.Dispose();

    private static string HashFile(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
