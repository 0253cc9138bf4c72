using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Indirect object identification (Wang et al. 2022): "Then, John and Mary went to the store. John gave a drink to"
/// → " Mary". The subject S occurs twice and the indirect object IO once; the answer is " IO", the wrong answer
/// " S". Prompts alternate ABBA (IO first) and BABA (S first) forms, each with one of the paper's 15 templates,
/// names, places and objects (<see cref="IoiData"/>). The corrupted prompt is the paper's ABC distribution: the same
/// template with the S2 occurrence replaced by a third name C. Word positions <c>IO</c>, <c>S1</c>, <c>S2</c> and
/// <c>end</c> (the last position) are recorded. Candidates where a name is not a single token with its leading
/// space, or the clean and corrupted prompts differ in length, are dropped and counted. No BOS is prepended.
/// </summary>
public sealed class IoiGenerator : ITaskGenerator
{
    public string Name => "ioi";

    public string Description =>
        "Indirect object identification (Wang et al. 2022): \"... John gave a drink to\" -> \" Mary\"; corrupted: ABC names";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        var tok = CandidateSampler.RequireTokenizer(Name, tokenizer);
        var (prompts, dropped) = CandidateSampler.Draw(
            Name, tok, count, new Random(seed), (random, index) => Candidate(tok, random, abba: index % 2 == 0));
        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "logit-diff",
            Dropped = dropped,
            Tokenizer = tok.Name,
        };
    }

    private static TaskPrompt? Candidate(ITokenizer tokenizer, Random random, bool abba)
    {
        var template = CandidateSampler.Pick(random, abba ? IoiData.Abba : IoiData.Baba);
        var names = CandidateSampler.PickDistinct(random, IoiData.Names, 3);
        var (io, s, c) = (names[0], names[1], names[2]);
        var place = CandidateSampler.Pick(random, IoiData.Places);
        var thing = CandidateSampler.Pick(random, IoiData.Objects);
        var cleanText = Fill(template, io, s, s, place, thing);
        var corruptText = Fill(template, io, s, c, place, thing);

        if (TokenText.TrySingle(tokenizer, " " + io) is not { } ioId
            || TokenText.TrySingle(tokenizer, " " + s) is not { } sId
            || TokenText.TrySingle(tokenizer, " " + c) is not { } cId
            || TokenText.TryEncode(tokenizer, cleanText) is not { } clean
            || TokenText.TryEncode(tokenizer, corruptText) is not { } corrupt
            || clean.Count != corrupt.Count)
        {
            return null;
        }

        var ioAt = TokenText.PositionsOf(clean, ioId);
        var sAt = TokenText.PositionsOf(clean, sId);
        if (ioAt.Count != 1 || sAt.Count != 2
            || !TokenText.PositionsOf(corrupt, ioId).SequenceEqual(ioAt)
            || !TokenText.PositionsOf(corrupt, sId).SequenceEqual([sAt[0]])
            || !TokenText.PositionsOf(corrupt, cId).SequenceEqual([sAt[1]]))
        {
            return null;
        }

        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = [ioId],
            WrongAnswers = [sId],
            WordPositions = new Dictionary<string, int>
            {
                ["IO"] = ioAt[0],
                ["S1"] = sAt[0],
                ["S2"] = sAt[1],
                ["end"] = clean.Count - 1,
            },
            CleanText = cleanText,
            CorruptText = corruptText,
        };
    }

    private static string Fill(string template, string io, string s1, string s2, string place, string thing) =>
        template.Replace("[PLACE]", place, StringComparison.Ordinal)
            .Replace("[OBJECT]", thing, StringComparison.Ordinal)
            .Replace("[IO]", io, StringComparison.Ordinal)
            .Replace("[S1]", s1, StringComparison.Ordinal)
            .Replace("[S2]", s2, StringComparison.Ordinal);
}
