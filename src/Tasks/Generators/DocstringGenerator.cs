using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Docstring (Heimersheim and Janiak 2023, "A circuit for Python docstrings in a 4-layer attention-only
/// transformer"): a method <c>def f(self, a, b, c, d):</c> whose reST docstring lists <c>:param a:</c> and
/// <c>:param b:</c>, ending in <c>:param</c>; the answer is " c", the wrong answers the other parameters " a", " b",
/// " d". The corrupted prompt is the paper's <c>random_random</c> corruption: the definition's a, b, c replaced by
/// three other names and the docstring's a, b by two more, so the same number of single-token names. Candidates
/// where a name is not one token with its leading space, or the lengths differ, are dropped and counted. Word
/// positions <c>def_a</c>..<c>def_d</c>, <c>doc_a</c>, <c>doc_b</c> and <c>end</c> are recorded. No BOS is prepended.
/// </summary>
public sealed class DocstringGenerator : ITaskGenerator
{
    private const int DescriptionWords = 3;
    private const int ParameterDescriptionWords = 2;

    public string Name => "docstring";

    public string Description =>
        "Docstring (Heimersheim & Janiak 2023): def f(self, a, b, c, d) with :param a, :param b -> \" c\"; corrupted: random names";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        var tok = CandidateSampler.RequireTokenizer(Name, tokenizer);
        var (prompts, dropped) = CandidateSampler.Draw(Name, tok, count, new Random(seed), (random, _) => Candidate(tok, random));
        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "logit-diff",
            Dropped = dropped,
            Tokenizer = tok.Name,
        };
    }

    /// <summary>The prompt text: definition, description line, a blank line, then one <c>:param</c> line per documented name.</summary>
    public static string Text(string function, IReadOnlyList<string> parameters, string description,
        IReadOnlyList<string> documented, IReadOnlyList<string> descriptions)
    {
        var lines = documented.Select((p, i) => $"    :param {p}: {descriptions[i]}\n");
        return $"def {function}(self, {string.Join(", ", parameters)}):\n    \"\"\"{description}\n\n{string.Concat(lines)}    :param";
    }

    private static TaskPrompt? Candidate(ITokenizer tokenizer, Random random)
    {
        // One function name, four parameters, then five names for the corruption: all distinct.
        var names = CandidateSampler.PickDistinct(random, DocstringWords.Identifiers, 10);
        var function = names[0];
        string[] parameters = [names[1], names[2], names[3], names[4]];
        var words = CandidateSampler.PickDistinct(random, DocstringWords.Nouns, DescriptionWords + (2 * ParameterDescriptionWords));
        var description = string.Join(' ', words.Take(DescriptionWords));
        string[] descriptions =
        [
            string.Join(' ', words.Skip(DescriptionWords).Take(ParameterDescriptionWords)),
            string.Join(' ', words.Skip(DescriptionWords + ParameterDescriptionWords)),
        ];
        var cleanText = Text(function, parameters, description, parameters[..2], descriptions);
        var corruptText = Text(function, [names[5], names[6], names[7], parameters[3]], description, [names[8], names[9]], descriptions);

        var ids = parameters.Select(p => TokenText.TrySingle(tokenizer, " " + p)).ToList();
        if (ids.Any(id => id is null)
            || TokenText.TryEncode(tokenizer, cleanText) is not { } clean
            || TokenText.TryEncode(tokenizer, corruptText) is not { } corrupt
            || clean.Count != corrupt.Count)
        {
            return null;
        }

        var at = ids.Select(id => TokenText.PositionsOf(clean, id!.Value)).ToList();
        if (at[0].Count != 2 || at[1].Count != 2 || at[2].Count != 1 || at[3].Count != 1
            || !(at[0][0] < at[1][0] && at[1][0] < at[2][0] && at[2][0] < at[3][0] && at[3][0] < at[0][1] && at[0][1] < at[1][1]))
        {
            return null;
        }

        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = [ids[2]!.Value],
            WrongAnswers = [ids[0]!.Value, ids[1]!.Value, ids[3]!.Value],
            WordPositions = new Dictionary<string, int>
            {
                ["def_a"] = at[0][0],
                ["def_b"] = at[1][0],
                ["def_c"] = at[2][0],
                ["def_d"] = at[3][0],
                ["doc_a"] = at[0][1],
                ["doc_b"] = at[1][1],
                ["end"] = clean.Count - 1,
            },
            CleanText = cleanText,
            CorruptText = corruptText,
        };
    }
}
