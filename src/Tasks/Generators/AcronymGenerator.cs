using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Acronyms (after García-Carrasco et al. 2024): "The Art Council Group (ACG) and the Royal Film Union (" → "R", the
/// first letter of the second organisation's acronym; the wrong answers are the other capital letters. Both
/// three-word names come from <see cref="AcronymWords"/>, the six words with six different initials. The corrupted
/// prompt replaces the second name's first word by a word with yet another initial. A candidate is dropped and
/// counted unless every word is one token with its leading space, the answer letter is one token right after the
/// final "(", and the clean and corrupted prompts have the same length. Word positions <c>W1</c>..<c>W3</c> (the
/// first name's words), <c>V1</c>..<c>V3</c> (the second name's) and <c>end</c> are recorded. No BOS is prepended.
/// </summary>
public sealed class AcronymGenerator : ITaskGenerator
{
    private const string Capitals = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public string Name => "acronyms";

    public string Description =>
        "Acronyms: \"The Art Council Group (ACG) and the Royal Film Union (\" -> \"R\"; corrupted: another first word";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        var tok = CandidateSampler.RequireTokenizer(Name, tokenizer);
        CandidateSampler.RequireCount(Name, count);
        var letters = Capitals.Select(c => TokenText.TrySingle(tok, c.ToString())).ToArray();
        var (prompts, dropped) = CandidateSampler.Draw(Name, tok, count, new Random(seed), (random, _) => Candidate(tok, random, letters));
        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "logit-diff",
            Dropped = dropped,
            Tokenizer = tok.Name,
        };
    }

    private static TaskPrompt? Candidate(ITokenizer tokenizer, Random random, int?[] letters)
    {
        // Six words for the two names and one for the corruption, all with different initials.
        var words = new List<string>(7);
        while (words.Count < 7)
        {
            var word = CandidateSampler.Pick(random, AcronymWords.All);
            if (words.TrueForAll(w => w[0] != word[0]))
            {
                words.Add(word);
            }
        }

        var first = words[..3];
        var second = words[3..6];
        var cleanText = $"The {string.Join(' ', first)} ({string.Concat(first.Select(w => w[0]))}) and the {string.Join(' ', second)} (";
        var corruptText = $"The {string.Join(' ', first)} ({string.Concat(first.Select(w => w[0]))}) and the {words[6]} {second[1]} {second[2]} (";
        var answerIndex = Capitals.IndexOf(second[0][0], StringComparison.Ordinal);

        var ids = words.Take(6).Select(w => TokenText.TrySingle(tokenizer, " " + w)).ToList();
        if (ids.Any(id => id is null)
            || letters[answerIndex] is not { } answer
            || TokenText.TrySingle(tokenizer, " " + words[6]) is null
            || TokenText.TryEncode(tokenizer, cleanText) is not { } clean
            || TokenText.TryEncode(tokenizer, corruptText) is not { } corrupt
            || clean.Count != corrupt.Count
            || TokenText.TryEncode(tokenizer, cleanText + Capitals[answerIndex]) is not { } answered
            || !TokenText.IsPrefixPlusOne(answered, clean, answer))
        {
            return null;
        }

        var at = ids.Select(id => TokenText.PositionsOf(clean, id!.Value)).ToList();
        if (at.Any(p => p.Count != 1))
        {
            return null;
        }

        string[] keys = ["W1", "W2", "W3", "V1", "V2", "V3"];
        var positions = keys.Select((k, i) => (k, at[i][0])).ToDictionary(p => p.k, p => p.Item2);
        positions["end"] = clean.Count - 1;
        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = [answer],
            WrongAnswers = [.. letters.Where((id, i) => i != answerIndex && id is not null && id != answer).Select(id => id!.Value)],
            WordPositions = positions,
            CleanText = cleanText,
            CorruptText = corruptText,
        };
    }
}
