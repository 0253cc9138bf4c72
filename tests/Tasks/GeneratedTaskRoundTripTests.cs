using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;
using Xunit;

namespace CircuitFinder.Tests.Tasks;

/// <summary>Every built-in generator's task survives generate → write → load unchanged, as JSON and as JSON Lines.</summary>
public sealed class GeneratedTaskRoundTripTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in TaskGeneratorCatalog.Names)
        {
            data.Add(name, ".json");
            data.Add(name, ".jsonl");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_task_written_and_read_back_is_identical(string name, string extension)
    {
        Assert.True(TaskGeneratorCatalog.TryCreate(name, out var generator));
        var tokenizer = Gpt2Tokenizer.Instance;
        var task = generator!.Generate(6, seed: 3, tokenizer, Gpt2Tokenizer.GptVocabularySize);
        using var folder = new TemporaryFolder();
        string path = folder.File(name + extension);
        TaskFileWriter.Write(task, path);
        var back = TaskFileReader.Read(path, tokenizer, Gpt2Tokenizer.GptVocabularySize);

        Assert.Equal(task.ContentHash, back.ContentHash);
        Assert.Equal(task.DefaultMetric, back.DefaultMetric);
        Assert.Equal(task.Prompts.Count, back.Prompts.Count);
        for (int i = 0; i < task.Prompts.Count; i++)
        {
            var (a, b) = (task.Prompts[i], back.Prompts[i]);
            Assert.Equal(a.Clean, b.Clean);
            Assert.Equal(a.Corrupt, b.Corrupt);
            Assert.Equal(a.Answers, b.Answers);
            Assert.Equal(a.WrongAnswers, b.WrongAnswers);
            Assert.Equal(a.EffectiveReadPosition, b.EffectiveReadPosition);
            Assert.Equal(a.WordPositions.OrderBy(kv => kv.Key), b.WordPositions.OrderBy(kv => kv.Key));
            if (a.CleanText is not null)
            {
                // the text re-tokenizes to the same ids (after the BOS a generator such as name-copy prepends): the file
                // could have carried strings instead
                int bos = a.Clean[0] == tokenizer.BosTokenId && tokenizer.Encode(a.CleanText).FirstOrDefault() != tokenizer.BosTokenId ? 1 : 0;
                Assert.Equal(a.Clean.Skip(bos), tokenizer.Encode(a.CleanText));
                Assert.Equal(a.Corrupt.Skip(bos), tokenizer.Encode(a.CorruptText!));
            }
        }
    }
}
