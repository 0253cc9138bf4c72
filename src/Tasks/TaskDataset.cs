using System.Security.Cryptography;
using System.Text;

namespace CircuitFinder.Tasks;

/// <summary>
/// A task: prompt pairs, a default metric (a metric catalog key such as <c>logit-diff</c>), optional per-prompt labels
/// (auto-circuit's <c>seq_labels</c>), how many candidate prompts a generator dropped (single-token constraints) and
/// the content hash that reports cite.
/// </summary>
public sealed record TaskDataset
{
    public required string Name { get; init; }

    public required IReadOnlyList<TaskPrompt> Prompts { get; init; }

    /// <summary>The metric used when none is asked for: <c>kl</c>, <c>logit-diff</c>, <c>prob</c>, <c>prob-diff</c>, <c>logprob</c>, <c>loss</c>, <c>accuracy</c>.</summary>
    public string DefaultMetric { get; init; } = "logit-diff";

    /// <summary>Labels of sequence positions shared by every prompt (auto-circuit's <c>seq_labels</c>), if any.</summary>
    public IReadOnlyList<string>? SeqLabels { get; init; }

    /// <summary>Candidate prompts a generator dropped because a word was not a single token.</summary>
    public int Dropped { get; init; }

    /// <summary>Whether the BOS token was prepended to prompts given as text (null: none was text, or the task was generated).</summary>
    public bool? PrependedBos { get; init; }

    /// <summary>
    /// Throws <see cref="BadInputException"/> naming the first prompt longer than <paramref name="nCtx"/> tokens (the
    /// model's context), <paramref name="source"/> (the task) first.
    /// </summary>
    public void EnsureFits(int nCtx, string source)
    {
        for (int i = 0; i < Prompts.Count; i++)
        {
            if (Prompts[i].Length > nCtx)
            {
                throw new BadInputException($"{source}: prompt {i} has {Prompts[i].Length} tokens, more than the model's n_ctx = {nCtx}");
            }
        }
    }

    /// <summary>The first <paramref name="count"/> prompts (all of them when there are no more).</summary>
    public TaskDataset First(int count) => count >= Prompts.Count ? this : this with { Prompts = Prompts.Take(count).ToList() };

    /// <summary>The tokenizer the token ids belong to (e.g. <c>gpt2</c>, <c>plain</c>), when known.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>
    /// SHA-256 (hex) over the token content: every prompt's clean, corrupted, answer and wrong-answer ids and read
    /// position, in order. Names, texts and labels do not enter it.
    /// </summary>
    public string ContentHash
    {
        get
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); // prompt by prompt, into reused buffers
            var line = new StringBuilder();
            char[] chars = [];
            byte[] bytes = [];
            static void Ids(StringBuilder to, IReadOnlyList<int> ids)
            {
                for (int i = 0; i < ids.Count; i++)
                {
                    (i == 0 ? to : to.Append(',')).Append(ids[i]);
                }

                to.Append('|');
            }

            foreach (var p in Prompts)
            {
                line.Clear();
                Ids(line, p.Clean);
                Ids(line, p.Corrupt);
                Ids(line, p.Answers);
                Ids(line, p.WrongAnswers);
                line.Append(p.EffectiveReadPosition).Append('\n');
                if (chars.Length < line.Length)
                {
                    chars = new char[line.Length * 2];
                    bytes = new byte[Encoding.UTF8.GetMaxByteCount(chars.Length)];
                }

                line.CopyTo(0, chars, 0, line.Length);
                int count = Encoding.UTF8.GetBytes(chars, 0, line.Length, bytes, 0);
                hash.AppendData(bytes, 0, count);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }
}
