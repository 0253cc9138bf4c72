namespace CircuitFinder.Tasks;

/// <summary>
/// A task's word labels (<c>word_positions</c> keys, e.g. IOI's <c>IO</c>, <c>S1</c>, <c>S2</c>, <c>end</c>) as position
/// groups: <see cref="Of"/> lists them in first-seen order, <see cref="Groups"/> maps each prompt's positions to them.
/// </summary>
public static class WordLabels
{
    /// <summary>The labels the prompts of <paramref name="dataset"/> use, each once, in first-seen order.</summary>
    public static IReadOnlyList<string> Of(TaskDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Prompts.SelectMany(p => p.WordPositions.Keys).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The group of every position of every prompt, <c>[N · P]</c> row-major (prompt, then position): the index in
    /// <paramref name="labels"/> of the first label (in that order) the prompt puts at the position, or
    /// <paramref name="other"/> for positions no label names (padding included).
    /// </summary>
    public static long[] Groups(TaskDataset dataset, IReadOnlyList<string> labels, int length, long other)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(labels);
        var prompts = dataset.Prompts;
        var groups = new long[prompts.Count * length];
        Array.Fill(groups, other);
        for (int i = 0; i < prompts.Count; i++)
        {
            for (int g = labels.Count - 1; g >= 0; g--) // the first label wins a position two labels share
            {
                if (prompts[i].WordPositions.TryGetValue(labels[g], out int position) && position >= 0 && position < length)
                {
                    groups[(i * length) + position] = g;
                }
            }
        }

        return groups;
    }
}
