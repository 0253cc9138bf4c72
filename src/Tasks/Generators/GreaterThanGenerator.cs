using System.Globalization;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Greater-than (Hanna et al. 2023): "The war lasted from the year 1745 to the year 17" → an ending above 45. XX is
/// a century in 11..17 and YY an ending in 02..98; the answers are the two-digit tokens YY+1..99 and the wrong
/// answers 00..YY (together all of 00..99). The corrupted prompt puts XX01 as the start year. A candidate is dropped
/// and counted unless its noun is one token with its leading space and " XXYY" and " XX01" both tokenize as
/// [" XX"][YY]. Word positions <c>NOUN</c>, <c>XX1</c>, <c>YY</c> and <c>end</c> are recorded. No BOS is prepended.
/// </summary>
public sealed class GreaterThanGenerator : ITaskGenerator
{
    public const int FirstCentury = 11;
    public const int LastCentury = 17;
    public const int FirstEnding = 2;
    public const int LastEnding = 98;

    public string Name => "greater-than";

    public string Description =>
        "Greater-than (Hanna et al. 2023): \"The war lasted from the year 1745 to the year 17\" -> 46..99; corrupted: 1701";

    /// <summary>The text of a two-digit ending, e.g. "07".</summary>
    public static string Ending(int yy) => yy.ToString("00", CultureInfo.InvariantCulture);

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        var tok = CandidateSampler.RequireTokenizer(Name, tokenizer);
        CandidateSampler.RequireCount(Name, count);
        var endings = EndingTokens(tok);
        var (prompts, dropped) = CandidateSampler.Draw(
            Name, tok, count, new Random(seed), (random, _) => Candidate(tok, random, endings));
        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "prob-diff",
            Dropped = dropped,
            Tokenizer = tok.Name,
        };
    }

    /// <summary>The token of every ending 00..99; each must be a single token.</summary>
    private int[] EndingTokens(ITokenizer tokenizer)
    {
        var endings = new int[100];
        for (var yy = 0; yy < endings.Length; yy++)
        {
            endings[yy] = TokenText.TrySingle(tokenizer, Ending(yy))
                ?? throw new BadInputException(
                    $"{Name}: the year ending '{Ending(yy)}' is not a single token in the '{tokenizer.Name}' tokenizer");
        }

        return endings;
    }

    private static TaskPrompt? Candidate(ITokenizer tokenizer, Random random, int[] endings)
    {
        var noun = CandidateSampler.Pick(random, GreaterThanNouns.All);
        var xx = random.Next(FirstCentury, LastCentury + 1);
        var yy = random.Next(FirstEnding, LastEnding + 1);
        var century = xx.ToString(CultureInfo.InvariantCulture);
        var cleanText = $"The {noun} lasted from the year {century}{Ending(yy)} to the year {century}";
        var corruptText = $"The {noun} lasted from the year {century}01 to the year {century}";

        if (TokenText.TrySingle(tokenizer, " " + noun) is not { } nounId
            || TokenText.TrySingle(tokenizer, " " + century) is not { } centuryId
            || TokenText.TryEncode(tokenizer, cleanText) is not { } clean
            || TokenText.TryEncode(tokenizer, corruptText) is not { } corrupt
            || clean.Count != corrupt.Count
            || clean[^1] != centuryId)
        {
            return null;
        }

        var nounAt = TokenText.PositionsOf(clean, nounId);
        var startAt = TokenText.PositionsOf(clean, centuryId);
        if (nounAt.Count != 1 || startAt.Count != 2 || startAt[0] + 1 >= clean.Count
            || clean[startAt[0] + 1] != endings[yy]
            || corrupt[startAt[0]] != centuryId || corrupt[startAt[0] + 1] != endings[1]
            || !clean.Where((_, i) => i != startAt[0] + 1).SequenceEqual(corrupt.Where((_, i) => i != startAt[0] + 1)))
        {
            return null;
        }

        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = endings[(yy + 1)..],
            WrongAnswers = endings[..(yy + 1)],
            WordPositions = new Dictionary<string, int>
            {
                ["NOUN"] = nounAt[0],
                ["XX1"] = startAt[0],
                ["YY"] = startAt[0] + 1,
                ["end"] = clean.Count - 1,
            },
            CleanText = cleanText,
            CorruptText = corruptText,
        };
    }
}
