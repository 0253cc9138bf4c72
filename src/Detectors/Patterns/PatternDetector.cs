using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Patterns;

/// <summary>
/// An attention-pattern detector with TransformerLens' <c>detect_head</c> semantics: a detection pattern per input
/// sequence, compared with every head's attention pattern by <see cref="AttentionSimilarity"/> and averaged over the
/// sequences. Built-in ones are <c>previous-token</c>, <c>duplicate-token</c>, <c>induction</c> and <c>bos</c>; a
/// user's comes from <see cref="CustomPattern"/>.
/// </summary>
public sealed class PatternDetector : IHeadDetector
{
    private readonly Func<IReadOnlyList<long>, float[,]> _pattern;
    private readonly PatternScoring? _scoring;

    /// <param name="scoring">Fixed scoring, or null to use the run's <see cref="DetectorOptions.Scoring"/>.</param>
    /// <param name="length">Tokens per input sequence, BOS included (a user's matrix fixes it), or null for the default length.</param>
    public PatternDetector(string name, string description, PatternInput input, Func<IReadOnlyList<long>, float[,]> pattern, PatternScoring? scoring = null, int? length = null)
    {
        Name = name;
        Description = description;
        Input = input;
        _pattern = pattern;
        _scoring = scoring;
        Length = length;
    }

    public string Name { get; }

    public string Description { get; }

    public PatternInput Input { get; }

    /// <summary>Tokens per input sequence (BOS included), or null for the default.</summary>
    public int? Length { get; }

    public DetectorResult Run(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (tokens, patterns) = context.Patterns(Input, Length is { } l ? l - (context.Bos is null ? 0 : 1) : null);
        var scoring = _scoring ?? context.Options.Scoring;
        using var scope = NewDisposeScope();
        int n = tokens[0].Length;
        var detection = new float[tokens.Length * n * n];
        for (int b = 0; b < tokens.Length; b++)
        {
            var d = _pattern(tokens[b]);
            if (d.GetLength(0) != n || d.GetLength(1) != n)
            {
                throw new BadInputException($"{Name}: the detection pattern is {d.GetLength(0)}x{d.GetLength(1)}, the input has {n} tokens");
            }

            Buffer.BlockCopy(d, 0, detection, b * n * n * sizeof(float), n * n * sizeof(float));
        }

        var detectionTensor = tensor(detection, [tokens.Length, n, n], device: patterns[0].device); // [b, q, k], beside the cached patterns
        var values = new List<double?>();
        foreach (var layer in patterns)
        {
            values.AddRange(AttentionSimilarity.Score(layer, detectionTensor, scoring).Select(v => (double?)v));
        }

        string measure = scoring.ErrorMeasure.ToString().ToLowerInvariant();
        return new DetectorResult
        {
            Columns = [new ScoreColumn(Name, values)],
            Notes =
            [
                $"{Name}: {tokens.Length} {Input.ToString().ToLowerInvariant()} sequences of {n} tokens, error measure {measure}" +
                (scoring.ExcludeBos ? ", BOS excluded" : string.Empty) + (scoring.ExcludeCurrentToken ? ", current token excluded" : string.Empty),
            ],
            Examples = new Dictionary<string, IReadOnlyList<string>> { [$"{Input.ToString().ToLowerInvariant()} input"] = context.TokenStrings(tokens[0]) },
        };
    }
}
