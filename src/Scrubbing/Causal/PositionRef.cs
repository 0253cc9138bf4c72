using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// A token position in a hypothesis: a number (negative counts from the end, −1 = last token), a word-position label of
/// the task (auto-circuit's <c>word_idxs</c>, e.g. IOI's <c>S2</c>; may differ per prompt), a sequence label
/// (<c>seq_labels</c>), or <c>read</c>, the position where the metric is read.
/// </summary>
public sealed record PositionRef(int? Index, string? Label)
{
    public static PositionRef At(int index) => new(index, null);

    public static PositionRef Named(string label) => new(null, label);

    public override string ToString() => Label ?? Index!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Why this position cannot be resolved in <paramref name="dataset"/>, or null when every prompt has it.</summary>
    public string? Problem(TaskDataset dataset)
    {
        if (Index is { } i)
        {
            var bad = dataset.Prompts.Select((p, k) => (p, k)).FirstOrDefault(x => i >= x.p.Length || i < -x.p.Length);
            return bad.p is null ? null : $"position {i} is outside prompt {bad.k} (length {bad.p.Length})";
        }

        if (Label == "read" || (dataset.SeqLabels?.Contains(Label!) ?? false))
        {
            return null;
        }

        int missing = dataset.Prompts.ToList().FindIndex(p => !p.WordPositions.ContainsKey(Label!));
        if (missing < 0)
        {
            return null;
        }

        var known = dataset.Prompts.SelectMany(p => p.WordPositions.Keys).Concat(dataset.SeqLabels ?? []).Append("read")
            .Distinct().OrderBy(s => s, StringComparer.Ordinal);
        return $"unknown position label '{Label}'" + (missing > 0 ? $" (prompt {missing} lacks it)" : string.Empty) + $"; known labels: {string.Join(", ", known)}";
    }

    /// <summary>The token index in <paramref name="prompt"/> (call <see cref="Problem"/> first).</summary>
    public int Resolve(TaskPrompt prompt, TaskDataset dataset)
    {
        if (Index is { } i)
        {
            return i >= 0 ? i : prompt.Length + i;
        }

        if (Label == "read")
        {
            return prompt.EffectiveReadPosition;
        }

        if (prompt.WordPositions.TryGetValue(Label!, out int p))
        {
            return p;
        }

        return dataset.SeqLabels!.ToList().IndexOf(Label!);
    }
}
