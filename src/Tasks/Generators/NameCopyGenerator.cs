using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Name copying in the style of TinyStories: "Once upon a time, there was a little girl named Lily. One day," →
/// " Lily". A story introduces one character by name; at the end the model should bring the name back. The corrupted
/// prompt introduces a different name B in the same place; the answer is " A", the wrong answer " B" (so the clean
/// logit difference is high and the corrupted one low). Names come from a list of common story names, kept only when
/// " Name" is a single token of the model's tokenizer — on a small vocabulary (stories260K: Lily, Tim, Timmy) only a
/// few survive, and at least two are needed. Prompts start with the tokenizer's BOS token when it has one and
/// <see cref="PrependBos"/> is set (such models were trained with it). Word positions <c>name</c> (where A stands) and
/// <c>end</c> are recorded.
/// </summary>
public sealed class NameCopyGenerator : ITaskGenerator
{
    private static readonly string[] Names =
    [
        "Lily", "Tim", "Timmy", "Tom", "Sue", "Ben", "Sam", "Max", "Mia", "Anna", "Jack", "Lucy", "Sara", "Amy", "Bob",
        "Joe", "Mary", "John", "Emma", "Jake", "Kate", "Zoe", "Leo", "Molly", "Jill", "Billy", "Sally", "Jenny",
    ];

    // [A]: the name; [KID]: girl or boy; [HE] / [HIS]: the matching pronouns
    private static readonly string[] Templates =
    [
        "Once upon a time, there was a little [KID] named [A]. One day,",
        "Once upon a time, there was a [KID] named [A]. Every day,",
        "There was a little [KID] named [A]. One day,",
        "Once upon a time, in a small house, there lived a little [KID] named [A]. One day,",
        "Once upon a time, there was a little [KID] named [A]. [HE] liked to play with [HIS] ball. One day,",
        "Once upon a time, there was a little [KID] named [A]. [HE] loved to play outside in the park. One day,",
    ];

    public NameCopyGenerator(bool prependBos = true) => PrependBos = prependBos;

    /// <summary>Whether to start every prompt with the tokenizer's BOS token, when it has one.</summary>
    public bool PrependBos { get; }

    public string Name => "name-copy";

    public string Description =>
        "Name copying, TinyStories style: \"... a little girl named Lily. One day,\" -> \" Lily\"; corrupted: another name";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        var tok = CandidateSampler.RequireTokenizer(Name, tokenizer);
        var names = Names.Where(n => TokenText.TrySingle(tok, " " + n) is not null).ToList();
        if (names.Count < 2)
        {
            throw new BadInputException(
                $"{Name}: the '{tok.Name}' tokenizer has {names.Count} of the story names as single tokens ({string.Join(", ", names)}); at least two are needed");
        }

        int[] prefix = PrependBos && tok.BosTokenId is { } bos ? [bos] : [];
        var (prompts, dropped) = CandidateSampler.Draw(Name, tok, count, new Random(seed), (random, _) => Candidate(tok, random, names, prefix));
        return new TaskDataset
        {
            Name = Name,
            Prompts = prompts,
            DefaultMetric = "logit-diff",
            Dropped = dropped,
            Tokenizer = tok.Name,
        };
    }

    private static TaskPrompt? Candidate(ITokenizer tokenizer, Random random, IReadOnlyList<string> names, int[] prefix)
    {
        var template = CandidateSampler.Pick(random, Templates);
        var pair = CandidateSampler.PickDistinct(random, names, 2);
        var (a, b) = (pair[0], pair[1]);
        bool girl = random.Next(2) == 0;
        string Fill(string name) => template
            .Replace("[KID]", girl ? "girl" : "boy", StringComparison.Ordinal)
            .Replace("[HE]", girl ? "She" : "He", StringComparison.Ordinal)
            .Replace("[HIS]", girl ? "her" : "his", StringComparison.Ordinal)
            .Replace("[A]", name, StringComparison.Ordinal);
        string cleanText = Fill(a), corruptText = Fill(b);
        if (TokenText.TrySingle(tokenizer, " " + a) is not { } aId
            || TokenText.TrySingle(tokenizer, " " + b) is not { } bId
            || TokenText.TryEncode(tokenizer, cleanText) is not { } cleanIds
            || TokenText.TryEncode(tokenizer, corruptText) is not { } corruptIds
            || cleanIds.Count != corruptIds.Count)
        {
            return null;
        }

        int[] clean = [.. prefix, .. cleanIds], corrupt = [.. prefix, .. corruptIds];
        var at = TokenText.PositionsOf(clean, aId);
        if (at.Count != 1 || !TokenText.PositionsOf(corrupt, bId).SequenceEqual(at) || TokenText.PositionsOf(corrupt, aId).Count != 0)
        {
            return null;
        }

        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = [aId],
            WrongAnswers = [bId],
            WordPositions = new Dictionary<string, int> { ["name"] = at[0], ["end"] = clean.Length - 1 },
            CleanText = cleanText,
            CorruptText = corruptText,
        };
    }
}
