namespace CircuitFinder.Tasks.Files;

/// <summary>How <see cref="TaskFileReader"/> turns text prompts into token ids.</summary>
public sealed record TaskReadOptions
{
    public static TaskReadOptions Default { get; } = new();

    /// <summary>
    /// Prepend the tokenizer's beginning-of-sequence token to clean and corrupted prompts given as text (as
    /// TransformerLens does). Prompts given as token ids and answers are never changed.
    /// </summary>
    public bool PrependBos { get; init; }

    /// <summary>
    /// The longest prompt the model takes (its n_ctx), BOS included: a longer clean or corrupted prompt is refused
    /// naming it, before anything is built from it. Null: no limit.
    /// </summary>
    public int? MaxLength { get; init; }
}
