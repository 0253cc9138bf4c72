using static TorchSharp.torch;

namespace CircuitFinder.Tasks;

/// <summary>
/// A task's prompts as tensors for patching. Prompts of different lengths are right-padded with a pad id up to the
/// longest, and <see cref="AttentionMask"/> says which positions are real; answer lists of different lengths are padded
/// with -1. Owns its tensors: dispose it (or move them out) when done.
/// </summary>
public sealed class TaskBatch : IDisposable
{
    /// <summary>The id of padded answer slots in <see cref="Answers"/> and <see cref="WrongAnswers"/>.</summary>
    public const long NoAnswer = -1;

    private TaskBatch(Tensor clean, Tensor corrupt, Tensor? attentionMask, Tensor answers, Tensor wrongAnswers, Tensor readPositions, long padTokenId, Tensor? positionGroups = null)
    {
        PositionGroups = positionGroups;
        Clean = clean;
        Corrupt = corrupt;
        AttentionMask = attentionMask;
        Answers = answers;
        WrongAnswers = wrongAnswers;
        ReadPositions = readPositions;
        PadTokenId = padTokenId;
    }

    /// <summary>Clean prompts, int64 [N, P].</summary>
    public Tensor Clean { get; }

    /// <summary>Corrupted prompts, int64 [N, P].</summary>
    public Tensor Corrupt { get; }

    /// <summary>1 for real tokens, 0 for padding, int64 [N, P]; null when every prompt has length P.</summary>
    public Tensor? AttentionMask { get; }

    /// <summary>Answer ids, int64 [N, A], rows with fewer answers padded with <see cref="NoAnswer"/>.</summary>
    public Tensor Answers { get; }

    /// <summary>Wrong-answer ids, int64 [N, W] (W may be 0), padded with <see cref="NoAnswer"/>.</summary>
    public Tensor WrongAnswers { get; }

    /// <summary>Where each prompt's metric is read, int64 [N].</summary>
    public Tensor ReadPositions { get; }

    public long PadTokenId { get; }

    /// <summary>
    /// Each position's word-label group, int64 [N, P] (indices into the labels given to <see cref="From"/>, the last
    /// group for positions no label names); null when no labels were given.
    /// </summary>
    public Tensor? PositionGroups { get; }

    /// <summary>N, the number of prompts.</summary>
    public int Count => (int)Clean.shape[0];

    /// <summary>P, the padded prompt length.</summary>
    public int Length => (int)Clean.shape[1];

    public static TaskBatch From(TaskDataset dataset, long padTokenId = 0) => From(dataset, padTokenId, null);

    /// <summary>
    /// The batch of <paramref name="dataset"/>, with <see cref="PositionGroups"/> by <paramref name="positionLabels"/>
    /// (word labels, then the group of the other positions, which need not be a word label) when given.
    /// </summary>
    public static TaskBatch From(TaskDataset dataset, long padTokenId, IReadOnlyList<string>? positionLabels)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var prompts = dataset.Prompts;
        if (prompts.Count == 0)
        {
            throw new ArgumentException($"task '{dataset.Name}' has no prompts", nameof(dataset));
        }

        int n = prompts.Count;
        int p = prompts.Max(x => x.Length);
        int a = prompts.Max(x => x.Answers.Count);
        int w = prompts.Max(x => x.WrongAnswers.Count);
        var clean = Filled(n * p, padTokenId);
        var corrupt = Filled(n * p, padTokenId);
        var mask = new long[n * p];
        var answers = Filled(n * a, NoAnswer);
        var wrong = Filled(n * w, NoAnswer);
        var read = new long[n];
        for (int i = 0; i < n; i++)
        {
            var prompt = prompts[i];
            if (prompt.Corrupt.Count != prompt.Length)
            {
                throw new ArgumentException(
                    $"task '{dataset.Name}', prompt {i}: clean has {prompt.Length} tokens but corrupt has {prompt.Corrupt.Count}", nameof(dataset));
            }

            for (int t = 0; t < prompt.Length; t++)
            {
                clean[(i * p) + t] = prompt.Clean[t];
                corrupt[(i * p) + t] = prompt.Corrupt[t];
                mask[(i * p) + t] = 1;
            }

            Copy(prompt.Answers, answers, i * a);
            Copy(prompt.WrongAnswers, wrong, i * w);
            read[i] = prompt.EffectiveReadPosition;
        }

        bool padded = prompts.Any(x => x.Length != p);
        return new TaskBatch(
            Owned(clean, n, p), // [N, P]
            Owned(corrupt, n, p), // [N, P]
            padded ? Owned(mask, n, p) : null, // [N, P]
            Owned(answers, n, a), // [N, A]
            Owned(wrong, n, w), // [N, W]
            Owned(read, n), // [N]
            padTokenId,
            positionLabels is null ? null : Owned(WordLabels.Groups(dataset, positionLabels.Take(positionLabels.Count - 1).ToList(), p, positionLabels.Count - 1), n, p)); // [N, P]
    }

    /// <summary>Prompts <paramref name="start"/> .. start + count - 1 as a new batch of copies (same P, A, W).</summary>
    public TaskBatch Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        return new TaskBatch(
            Rows(Clean, start, count), // [count, P]
            Rows(Corrupt, start, count), // [count, P]
            AttentionMask is null ? null : Rows(AttentionMask, start, count), // [count, P]
            Rows(Answers, start, count), // [count, A]
            Rows(WrongAnswers, start, count), // [count, W]
            Rows(ReadPositions, start, count), // [count]
            PadTokenId,
            PositionGroups is null ? null : Rows(PositionGroups, start, count)); // [count, P]
    }

    public void Dispose()
    {
        Clean.Dispose();
        Corrupt.Dispose();
        AttentionMask?.Dispose();
        Answers.Dispose();
        WrongAnswers.Dispose();
        ReadPositions.Dispose();
        PositionGroups?.Dispose();
    }

    /// <summary>A tensor of the given shape that belongs to this batch, not to any dispose scope the caller has open.</summary>
    private static Tensor Owned(long[] values, params long[] shape) =>
        tensor(values, shape, ScalarType.Int64).DetachFromDisposeScope();

    private static Tensor Rows(Tensor source, int start, int count)
    {
        using var view = source.narrow(0, start, count);
        return view.clone().DetachFromDisposeScope();
    }

    private static long[] Filled(int size, long value)
    {
        var array = new long[size];
        Array.Fill(array, value);
        return array;
    }

    private static void Copy(IReadOnlyList<int> ids, long[] target, int offset)
    {
        for (int j = 0; j < ids.Count; j++)
        {
            target[offset + j] = ids[j];
        }
    }
}
