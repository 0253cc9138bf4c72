using static TorchSharp.torch;

namespace CircuitFinder.Model.Training;

/// <summary>
/// Seeded synthetic token streams in which induction pays: each sequence starts with BOS (id 0) and continues with
/// random tokens (ids 1..V−1), a fixed random successor table followed with probability <see cref="BigramProbability"/>,
/// and copies of earlier spans (3–10 tokens) started with probability <see cref="CopyProbability"/> at each position.
/// The same seed gives the same batches, in the same order.
/// </summary>
public sealed class ToyCorpus
{
    public const int Bos = 0;
    public const int MinSpan = 3;
    public const int MaxSpan = 10;

    private readonly Random _random;
    private readonly int[] _successor;

    public ToyCorpus(int vocabularySize, int sequenceLength, int seed, double bigramProbability = 0.25, double copyProbability = 0.15)
    {
        if (vocabularySize < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "needs BOS and at least two other tokens");
        }

        if (sequenceLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "needs at least two tokens");
        }

        VocabularySize = vocabularySize;
        SequenceLength = sequenceLength;
        BigramProbability = bigramProbability;
        CopyProbability = copyProbability;
        _random = new Random(seed);
        _successor = Enumerable.Range(0, vocabularySize).Select(_ => RandomToken()).ToArray();
    }

    public int VocabularySize { get; }

    public int SequenceLength { get; }

    public double BigramProbability { get; }

    public double CopyProbability { get; }

    /// <summary>The next sequence of <see cref="SequenceLength"/> token ids, BOS first.</summary>
    public int[] NextSequence()
    {
        var tokens = new int[SequenceLength];
        tokens[0] = Bos;
        int pos = 1;
        while (pos < SequenceLength)
        {
            if (pos > MinSpan + 1 && _random.NextDouble() < CopyProbability)
            {
                int length = _random.Next(MinSpan, Math.Min(MaxSpan, pos - 1) + 1);
                int start = _random.Next(1, pos - length + 1);
                for (int i = 0; i < length && pos < SequenceLength; i++)
                {
                    tokens[pos++] = tokens[start + i];
                }
            }
            else
            {
                tokens[pos] = pos > 1 && _random.NextDouble() < BigramProbability ? _successor[tokens[pos - 1]] : RandomToken();
                pos++;
            }
        }

        return tokens;
    }

    /// <summary>A batch of sequences <c>[batch, SequenceLength]</c> (int64).</summary>
    public Tensor NextBatch(int batch)
    {
        var flat = new long[batch * SequenceLength];
        for (int b = 0; b < batch; b++)
        {
            var sequence = NextSequence();
            for (int p = 0; p < SequenceLength; p++)
            {
                flat[(b * SequenceLength) + p] = sequence[p];
            }
        }

        return tensor(flat, [batch, SequenceLength]); // [batch, pos]
    }

    /// <summary>Repeated random tokens: BOS then <paramref name="length"/> random tokens twice, <c>[batch, 1 + 2·length]</c>.</summary>
    public static Tensor RepeatedRandomTokens(int batch, int length, int vocabularySize, int seed)
    {
        var random = new Random(seed);
        int width = 1 + (2 * length);
        var flat = new long[batch * width];
        for (int b = 0; b < batch; b++)
        {
            flat[b * width] = Bos;
            for (int i = 0; i < length; i++)
            {
                long token = random.Next(1, vocabularySize);
                flat[(b * width) + 1 + i] = token;
                flat[(b * width) + 1 + length + i] = token;
            }
        }

        return tensor(flat, [batch, width]); // [batch, 1 + 2·length]
    }

    private int RandomToken() => _random.Next(1, VocabularySize);
}
