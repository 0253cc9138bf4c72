using CircuitFinder.Detectors.Patterns;
using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Tokenizers;
using static TorchSharp.torch;

namespace CircuitFinder.Detectors;

/// <summary>
/// One model under detection: the model, its tokenizer, where it came from, the task it was built for (zoo models), the
/// options, and a cache of generated inputs and the attention patterns they produce, so detectors that share inputs run
/// the model once. Owns the cached tensors: dispose it.
/// </summary>
public sealed class DetectorContext : IDisposable
{
    private readonly Dictionary<(PatternInput Kind, int Body), (long[][] Tokens, Tensor[] Patterns)> _patterns = [];

    /// <param name="taskHint">The task the model was built for (a zoo model's task key, e.g. <c>planted-ioi</c>), or null.</param>
    public DetectorContext(HookedTransformer model, ITokenizer? tokenizer, string source, string? taskHint, DetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Tokenizer = tokenizer;
        Source = source;
        TaskHint = taskHint;
        Options = options ?? DetectorOptions.Default;
    }

    public HookedTransformer Model { get; }

    public ITokenizer? Tokenizer { get; }

    public string Source { get; }

    public string? TaskHint { get; }

    public DetectorOptions Options { get; }

    public int NLayers => Model.Config.NLayers;

    public int NHeads => Model.Config.NHeads;

    /// <summary>The BOS id prepended to generated inputs, if the tokenizer has one inside the model's vocabulary.</summary>
    public int? Bos => Tokenizer?.BosTokenId is { } b && b < Model.Config.DVocab ? b : null;

    /// <summary>The body length (tokens after BOS) of default inputs: twice the repeat span.</summary>
    public int DefaultBody
    {
        get
        {
            int drawable = Model.Config.DVocab - (Bos is null ? 0 : 1);
            return 2 * DetectorInputs.RepeatLength(Options.RepeatLength, Model.Config.NCtx, drawable, Bos is not null);
        }
    }

    /// <summary>
    /// The inputs of <paramref name="kind"/> with <paramref name="body"/> tokens after BOS (default: <see cref="DefaultBody"/>)
    /// and each layer's attention pattern on them, <c>[batch, head, q, k]</c> (owned by this context).
    /// </summary>
    public (long[][] Tokens, IReadOnlyList<Tensor> Patterns) Patterns(PatternInput kind, int? body = null)
    {
        var key = (kind, body ?? DefaultBody);
        if (_patterns.TryGetValue(key, out var cached))
        {
            return cached;
        }

        int length = key.Item2 + (Bos is null ? 0 : 1);
        if (length <= 1 || length >= Model.Config.NCtx)
        {
            throw new BadInputException($"detector inputs of {length} tokens: TransformerLens needs 1 < seq_len < n_ctx = {Model.Config.NCtx}");
        }

        var tokens = DetectorInputs.Make(kind, Options.Sequences, key.Item2, Model.Config.DVocab, Bos, Options.Seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(tokens.SelectMany(t => t).ToArray(), [tokens.Length, length], device: Model.Device); // [b, p]
        var names = Enumerable.Range(0, NLayers).Select(HookName.Pattern).ToList();
        var (_, cache) = Model.RunWithCache(input, names);
        using (cache)
        {
            var patterns = names.Select(n => cache[n].to(CPU).clone().DetachFromDisposeScope()).ToArray(); // [b, h, q, k] each
            _patterns[key] = (tokens, patterns);
            return (tokens, patterns);
        }
    }

    /// <summary>Token strings of <paramref name="ids"/> (ids themselves when there is no tokenizer).</summary>
    public IReadOnlyList<string> TokenStrings(IEnumerable<long> ids) =>
        ids.Select(id => Tokenizer is { } t && id < t.VocabularySize ? t.TokenToString((int)id) : id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public void Dispose()
    {
        foreach (var (_, patterns) in _patterns.Values)
        {
            foreach (var p in patterns)
            {
                p.Dispose();
            }
        }

        _patterns.Clear();
    }
}
