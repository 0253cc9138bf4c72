using CircuitFinder.Detectors.Patterns;

namespace CircuitFinder.Detectors;

/// <summary>
/// Settings shared by the detectors: the seed and size of generated inputs, TransformerLens' <c>error_measure</c>,
/// <c>exclude_bos</c> and <c>exclude_current_token</c> for attention-pattern detectors, the IOI task and prompt count.
/// </summary>
public sealed record DetectorOptions
{
    public static DetectorOptions Default { get; } = new();

    /// <summary>Seed for random token inputs, IOI prompts and random composition baselines.</summary>
    public int Seed { get; init; }

    /// <summary>Sequences per attention-pattern input (scores are averaged over them, as TransformerLens does for a list).</summary>
    public int Sequences { get; init; } = 32;

    /// <summary>The length of the random span that repeated-token inputs repeat (capped by n_ctx and the vocabulary).</summary>
    public int RepeatLength { get; init; } = 10;

    public PatternScoring Scoring { get; init; } = PatternScoring.Default;

    /// <summary>The IOI task: a built-in generator key or a task file; null picks the model's own (zoo) or <c>ioi</c>.</summary>
    public string? IoiTask { get; init; }

    /// <summary>Prepend the tokenizer's BOS token to text prompts of an IOI task file (<c>--no-prepend-bos</c> clears it).</summary>
    public bool PrependBos { get; init; } = true;

    /// <summary>IOI prompts to generate.</summary>
    public int IoiPrompts { get; init; } = 32;

    /// <summary>Random matrix draws for each composition baseline.</summary>
    public int BaselineSamples { get; init; } = 32;
}
