using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Training;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// <c>toy-ioi</c>: the synthetic task <c>zoo:toy-ioi</c> was trained on — BOS, ten words of which three random slots
/// hold IO, S and S again (IO before or after the first S), then "to"; the answer is the name seen once. The corrupted
/// prompt replaces the second S with a third name, so no name repeats. Metric: logit difference IO − S.
/// </summary>
public sealed class ToyIoiGenerator : ITaskGenerator
{
    public string Name => "toy-ioi";

    public string Description => "zoo:toy-ioi's synthetic IOI-shaped prompts (predict the name seen once)";

    public TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize)
    {
        CandidateSampler.RequireCount(Name, count);

        if (vocabularySize < ToyIoiTask.Vocabulary.Count)
        {
            throw new BadInputException($"toy-ioi: needs the toy IOI vocabulary of {ToyIoiTask.Vocabulary.Count} tokens, the model has {vocabularySize}");
        }

        var random = new Random(seed);
        int fillers = ToyIoiTask.EndToken - ToyIoiTask.FirstFiller;
        var prompts = new List<TaskPrompt>(count);
        for (int i = 0; i < count; i++)
        {
            var clean = new int[ToyIoiTask.PromptLength];
            clean[0] = ToyIoiTask.Bos;
            clean[^1] = ToyIoiTask.EndToken;
            for (int p = 1; p <= ToyIoiTask.ContentLength; p++)
            {
                clean[p] = ToyIoiTask.FirstFiller + random.Next(fillers);
            }

            var names = Enumerable.Range(ToyIoiTask.FirstName, ToyIoiTask.NameCount).OrderBy(_ => random.Next()).Take(3).ToArray();
            int io = names[0], s = names[1], third = names[2];
            var slots = Enumerable.Range(1, ToyIoiTask.ContentLength).OrderBy(_ => random.Next()).Take(3).Order().ToArray();
            bool ioFirst = random.Next(2) == 0;
            clean[slots[0]] = ioFirst ? io : s;
            clean[slots[1]] = ioFirst ? s : io;
            clean[slots[2]] = s;
            var corrupt = (int[])clean.Clone();
            corrupt[slots[2]] = third;
            prompts.Add(new TaskPrompt
            {
                Clean = clean,
                Corrupt = corrupt,
                Answers = [io],
                WrongAnswers = [s],
                WordPositions = new Dictionary<string, int>
                {
                    ["IO"] = ioFirst ? slots[0] : slots[1],
                    ["S1"] = ioFirst ? slots[1] : slots[0],
                    ["S2"] = slots[2],
                    ["end"] = ToyIoiTask.PromptLength - 1,
                },
            });
        }

        return new TaskDataset { Name = Name, Prompts = prompts, DefaultMetric = "logit-diff", Tokenizer = "plain" };
    }
}
