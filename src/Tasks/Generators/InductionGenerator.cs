using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Induction on repeated random tokens: a sequence of <see cref="SequenceLength"/> distinct ids drawn from
/// [<see cref="MinimumId"/>, vocabularySize), repeated <see cref="Repeats"/> times, after a BOS token when the
/// tokenizer has one and <see cref="PrependBos"/> is set. The metric is read at the last position and the answer is
/// the token the repetition continues with, <c>seq[total % SequenceLength]</c> (= <c>seq[0]</c>). The corrupted prompt
/// is an unrelated sequence of the same total length whose ids are all distinct (nothing to induct from). Word
/// position <c>first_repeat_start</c> marks the first token of the second copy. No tokenizer is needed; one that is
/// given only supplies the BOS id, which is never drawn.
/// </summary>
public sealed class InductionGenerator : ITaskGenerator
{
    public InductionGenerator(int sequenceLength = 10, int repeats = 2, int minimumId = 1, bool prependBos = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumId);
        SequenceLength = sequenceLength;
        Repeats = repeats;
        MinimumId = minimumId;
        PrependBos = prependBos;
    }

    /// <summary>Tokens in one copy of the random sequence.</summary>
    public int SequenceLength { get; }

    /// <summary>Copies of the sequence in a clean prompt.</summary>
    public int Repeats { get; }

    /// <summary>The smallest id drawn (ids below it are left out as special tokens).</summary>
    public int MinimumId { get; }

    /// <summary>Whether to start every prompt with the tokenizer's BOS token, when it has one.</summary>
    public bool PrependBos { get; }

    public string Name => "induction";

    public string Description =>
        $"Induction: {SequenceLength} random tokens repeated {Repeats} times -> the next token of the repetition; corrupted: no repetition";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        CandidateSampler.RequireCount(Name, count);
        var bos = PrependBos ? tokenizer?.BosTokenId : null;
        var total = SequenceLength * Repeats;
        var drawable = Enumerable.Range(MinimumId, Math.Max(0, vocabularySize - MinimumId)).Where(id => id != bos).ToList();
        if (drawable.Count < total)
        {
            throw new BadInputException(
                $"{Name}: a vocabulary of {vocabularySize} ids leaves {drawable.Count} ids from {MinimumId} to draw, " +
                $"fewer than the {total} distinct ids a corrupted prompt needs");
        }

        var prefix = bos is { } b ? new[] { b } : [];
        var random = new Random(seed);
        var prompts = new List<TaskPrompt>(count);
        for (var i = 0; i < count; i++)
        {
            var sequence = DrawDistinct(random, drawable, SequenceLength);
            var unrelated = DrawDistinct(random, drawable, total);
            int[] clean = [.. prefix, .. Enumerable.Range(0, total).Select(k => sequence[k % SequenceLength])];
            prompts.Add(new TaskPrompt
            {
                Clean = clean,
                Corrupt = [.. prefix, .. unrelated],
                Answers = [sequence[total % SequenceLength]],
                WordPositions = new Dictionary<string, int> { ["first_repeat_start"] = prefix.Length + SequenceLength },
            });
        }

        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "logprob",
            Tokenizer = tokenizer?.Name,
        };
    }

    /// <summary>
    /// <paramref name="n"/> distinct ids of <paramref name="pool"/>: by rejection when they are few next to the pool
    /// (the set only answers membership; the order is the draw order), else by a partial shuffle.
    /// </summary>
    private static List<int> DrawDistinct(Random random, List<int> pool, int n)
    {
        if (2 * n > pool.Count)
        {
            return CandidateSampler.PickDistinct(random, pool, n);
        }

        var drawn = new List<int>(n);
        var seen = new HashSet<int>();
        while (drawn.Count < n)
        {
            var id = pool[random.Next(pool.Count)];
            if (seen.Add(id))
            {
                drawn.Add(id);
            }
        }

        return drawn;
    }
}
