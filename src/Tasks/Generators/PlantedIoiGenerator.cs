using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Zoo;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// <c>planted-ioi</c>: the task of <c>zoo:planted-ioi</c> in its own 18-token vocabulary — clean prompts
/// "&lt;bos&gt; A and B went to the store , S gave a drink to" in ABBA and BABA order (S one of A, B; answer the other,
/// the IO), corrupted prompts the ABC form with three other names (no duplicate). Metric: logit difference IO − S.
/// </summary>
public sealed class PlantedIoiGenerator : ITaskGenerator
{
    private const int IoFirst = 1, IoSecond = 3, S2 = 9, End = 13;
    private static readonly int PlantedIoiVocabularySize = new PlantedIoi().Vocabulary.Count;

    public string Name => "planted-ioi";

    public string Description => "zoo:planted-ioi's IOI prompts in its own vocabulary (ABBA/BABA; ABC corruption)";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        CandidateSampler.RequireCount(Name, count);

        if (vocabularySize < PlantedIoiVocabularySize)
        {
            throw new BadInputException($"planted-ioi: needs the planted IOI vocabulary of {PlantedIoiVocabularySize} tokens, the model has {vocabularySize}");
        }

        var random = new Random(seed);
        var names = PlantedIoi.NameTokens;
        var prompts = new List<TaskPrompt>(count);
        for (int i = 0; i < count; i++)
        {
            var drawn = names.OrderBy(_ => random.Next()).Take(5).ToArray();
            int io = drawn[0], s = drawn[1];
            bool abba = i % 2 == 0;
            var clean = abba ? PlantedIoi.Prompt(io, s, s) : PlantedIoi.Prompt(s, io, s);
            var corrupt = PlantedIoi.Prompt(drawn[2], drawn[3], drawn[4]);
            prompts.Add(new TaskPrompt
            {
                Clean = clean.Select(t => (int)t).ToList(),
                Corrupt = corrupt.Select(t => (int)t).ToList(),
                Answers = [io],
                WrongAnswers = [s],
                ReadPosition = End,
                WordPositions = new Dictionary<string, int>
                {
                    ["IO"] = abba ? IoFirst : IoSecond,
                    ["S1"] = abba ? IoSecond : IoFirst,
                    ["S2"] = S2,
                    ["end"] = End,
                },
            });
        }

        return new TaskDataset { Name = Name, Prompts = prompts, DefaultMetric = "logit-diff", Tokenizer = "plain" };
    }
}
