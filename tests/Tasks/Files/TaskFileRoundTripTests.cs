using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Files;

/// <summary>Write then read gives the same task: every prompt field, the file-level fields and the content hash.</summary>
public sealed class TaskFileRoundTripTests : IDisposable
{
    private const int DVocab = 500;

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, int> Files => new()
    {
        { "task.json", 1 },
        { "task.json", 2 },
        { "task.jsonl", 1 },
        { "task.jsonl", 3 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Given_an_id_dataset_when_written_and_read_then_it_is_identical(string fileName, int seed)
    {
        var dataset = RandomDataset(seed);
        string path = _folder.File(fileName);

        TaskFileWriter.Write(dataset, path);
        var read = TaskFileReader.Read(path, null, DVocab);

        AssertSame(dataset, read);
        Assert.Single(Directory.EnumerateFiles(_folder.Path)); // no temporary file left behind
    }

    [Fact]
    public void Given_a_text_file_when_read_written_and_read_again_then_the_ids_and_texts_survive()
    {
        string path = _folder.File("ioi.json");
        File.WriteAllText(path, """
            {"prompts": [{"clean": "When Mary and John went to the store, John gave a drink to",
                          "corrupt": "When Alice and Bob went to the store, Carol gave a drink to",
                          "answers": [" Mary"], "wrong_answers": [" John"]}],
             "seq_labels": null}
            """);
        var first = TaskFileReader.Read(path, Gpt2Tokenizer.Instance, Gpt2Tokenizer.GptVocabularySize);

        TaskFileWriter.Write(first, _folder.File("ioi-ids.jsonl"));
        var second = TaskFileReader.Read(_folder.File("ioi-ids.jsonl"), null, Gpt2Tokenizer.GptVocabularySize);

        AssertSame(first, second);
        Assert.Equal("gpt2", second.Tokenizer);
    }

    [Fact]
    public void Given_an_existing_file_when_written_over_then_it_holds_the_new_task()
    {
        string path = _folder.File("task.json");
        File.WriteAllText(path, "not json at all");

        TaskFileWriter.Write(RandomDataset(7), path);

        Assert.Equal(RandomDataset(7).ContentHash, TaskFileReader.Read(path, null, DVocab).ContentHash);
    }

    [Fact]
    public void Given_equal_length_prompts_when_written_then_seq_labels_survive()
    {
        var dataset = RandomDataset(5, fixedLength: 4) with { SeqLabels = ["BOS", "A", "B", "end"] };
        string path = _folder.File("labelled.json");

        TaskFileWriter.Write(dataset, path);

        Assert.Equal(dataset.SeqLabels, TaskFileReader.Read(path, null, DVocab).SeqLabels!);
    }

    internal static TaskDataset RandomDataset(int seed, int? fixedLength = null)
    {
        var random = new Random(seed);
        var prompts = new List<TaskPrompt>();
        for (int i = 0; i < 6 + random.Next(5); i++)
        {
            int length = fixedLength ?? random.Next(1, 9);
            int[] Ids(int count) => Enumerable.Range(0, count).Select(_ => random.Next(DVocab)).ToArray();
            var words = new Dictionary<string, int>();
            if (random.Next(2) == 0)
            {
                words["IO"] = random.Next(length);
                words["end"] = length - 1;
            }

            prompts.Add(new TaskPrompt
            {
                Clean = Ids(length),
                Corrupt = Ids(length),
                Answers = Ids(random.Next(1, 4)),
                WrongAnswers = Ids(random.Next(0, 3)),
                ReadPosition = random.Next(2) == 0 ? -1 : random.Next(length),
                WordPositions = words,
                CleanText = random.Next(2) == 0 ? null : $"clean \"text\" {i}\n\u00e9",
                CorruptText = random.Next(2) == 0 ? null : $"corrupt {i}",
            });
        }

        return new TaskDataset
        {
            Name = $"random-{seed}",
            Prompts = prompts,
            DefaultMetric = seed % 2 == 0 ? "kl" : "logprob", // some prompts have no wrong answers, which logit-diff refuses
            Dropped = seed,
            Tokenizer = seed % 3 == 0 ? null : "plain",
        };
    }

    internal static void AssertSame(TaskDataset expected, TaskDataset actual)
    {
        Assert.Equal(expected.ContentHash, actual.ContentHash);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.DefaultMetric, actual.DefaultMetric);
        Assert.Equal(expected.Dropped, actual.Dropped);
        Assert.Equal(expected.Tokenizer, actual.Tokenizer);
        Assert.Equal(expected.SeqLabels, actual.SeqLabels);
        Assert.Equal(expected.Prompts.Count, actual.Prompts.Count);
        foreach (var (e, a) in expected.Prompts.Zip(actual.Prompts))
        {
            Assert.Equal(e.Clean, a.Clean);
            Assert.Equal(e.Corrupt, a.Corrupt);
            Assert.Equal(e.Answers, a.Answers);
            Assert.Equal(e.WrongAnswers, a.WrongAnswers);
            Assert.Equal(e.ReadPosition, a.ReadPosition);
            Assert.Equal(e.WordPositions.OrderBy(w => w.Key), a.WordPositions.OrderBy(w => w.Key));
            Assert.Equal(e.CleanText, a.CleanText);
            Assert.Equal(e.CorruptText, a.CorruptText);
        }
    }
}
