using CircuitFinder.Model.Zoo;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Zoo;

/// <summary>
/// Repeated random sequences <c>[BOS, s, s]</c> (tokens distinct within s, never BOS), with one read position per
/// prompt in the second repeat and the token the induction rule predicts there.
/// </summary>
internal sealed record InductionPrompts(long[,] Tokens, long[] ReadPositions, long[] Answers)
{
    public static InductionPrompts Create(int count, int length, int seed, int vocabulary = 32)
    {
        var random = new Random(seed);
        var tokens = new long[count, (2 * length) + 1];
        var read = new long[count];
        var answers = new long[count];
        for (int b = 0; b < count; b++)
        {
            var sequence = Enumerable.Range(1, vocabulary - 1).OrderBy(_ => random.Next()).Take(length).ToArray();
            tokens[b, 0] = PlantedInduction.BosToken;
            for (int i = 0; i < length; i++)
            {
                tokens[b, 1 + i] = sequence[i];
                tokens[b, 1 + length + i] = sequence[i];
            }

            // Second repeat, excluding its last token (whose continuation is outside the prompt).
            read[b] = length + 1 + random.Next(length - 1);
            answers[b] = tokens[b, read[b] + 1];
        }

        return new InductionPrompts(tokens, read, answers);
    }

    public int Length => (Tokens.GetLength(1) - 1) / 2;

    /// <summary><c>[batch, pos]</c>.</summary>
    public Tensor TokenTensor() => tensor(Tokens);

    /// <summary><c>[batch]</c>.</summary>
    public Tensor ReadTensor() => tensor(ReadPositions);

    /// <summary><c>[batch]</c>.</summary>
    public Tensor AnswerTensor() => tensor(Answers);
}
