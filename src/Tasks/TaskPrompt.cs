namespace CircuitFinder.Tasks;

/// <summary>
/// One prompt pair of a task, as token ids: clean and corrupted sequences of equal length, the answer and wrong-answer
/// tokens (one or several each), the position where the metric is read, and optional named word positions
/// (auto-circuit's <c>word_idxs</c>, e.g. IOI's <c>IO</c>, <c>S1</c>, <c>S2</c>, <c>end</c>) and texts.
/// </summary>
public sealed record TaskPrompt
{
    public required IReadOnlyList<int> Clean { get; init; }

    public required IReadOnlyList<int> Corrupt { get; init; }

    public required IReadOnlyList<int> Answers { get; init; }

    public IReadOnlyList<int> WrongAnswers { get; init; } = [];

    /// <summary>Where the metric is read: by default the last position of the (unpadded) prompt.</summary>
    public int ReadPosition { get; init; } = -1;

    /// <summary>Named positions in this prompt (token indices).</summary>
    public IReadOnlyDictionary<string, int> WordPositions { get; init; } = new Dictionary<string, int>();

    /// <summary>The clean text, when the prompt was made from text.</summary>
    public string? CleanText { get; init; }

    /// <summary>The corrupted text, when the prompt was made from text.</summary>
    public string? CorruptText { get; init; }

    /// <summary>The read position, resolved (the last token when not set).</summary>
    public int EffectiveReadPosition => ReadPosition >= 0 ? ReadPosition : Clean.Count - 1;

    public int Length => Clean.Count;
}
