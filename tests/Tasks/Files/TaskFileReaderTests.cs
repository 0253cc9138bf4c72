using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks.Files;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Files;

/// <summary>Task files in auto-circuit's format, written by hand: text is tokenized, ids are kept, file-level fields land on every prompt.</summary>
public sealed class TaskFileReaderTests : IDisposable
{
    private const string IoiFile = """
        {
          "prompts": [
            {
              "clean": "When Mary and John went to the store, John gave a drink to",
              "corrupt": "When Alice and Bob went to the store, Carol gave a drink to",
              "answers": [" Mary"],
              "wrong_answers": [" John"]
            }
          ]
        }
        """;

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Given_an_auto_circuit_text_file_when_read_with_gpt2_then_the_ids_are_the_tokenizers()
    {
        string path = Write("ioi-by-hand.json", IoiFile);
        var gpt2 = Gpt2Tokenizer.Instance;

        var dataset = TaskFileReader.Read(path, gpt2, Gpt2Tokenizer.GptVocabularySize);

        var prompt = Assert.Single(dataset.Prompts);
        Assert.Equal(gpt2.Encode("When Mary and John went to the store, John gave a drink to"), prompt.Clean);
        Assert.Equal(gpt2.Encode("When Alice and Bob went to the store, Carol gave a drink to"), prompt.Corrupt);
        Assert.Equal([5335], prompt.Answers); // " Mary" is GPT-2 token 5335
        Assert.Equal(gpt2.Encode(" John"), prompt.WrongAnswers);
        Assert.Equal(prompt.Length - 1, prompt.EffectiveReadPosition);
        Assert.Equal("When Mary and John went to the store, John gave a drink to", prompt.CleanText);
        Assert.Equal("ioi-by-hand", dataset.Name);
        Assert.Equal("logit-diff", dataset.DefaultMetric);
        Assert.Equal("gpt2", dataset.Tokenizer);
    }

    [Fact]
    public void Given_prepend_bos_when_reading_text_then_prompts_start_with_bos_and_answers_do_not()
    {
        string path = Write("ioi.json", IoiFile);

        var plain = TaskFileReader.Read(path, Gpt2Tokenizer.Instance, Gpt2Tokenizer.GptVocabularySize);
        var withBos = TaskFileReader.Read(path, Gpt2Tokenizer.Instance, Gpt2Tokenizer.GptVocabularySize, new TaskReadOptions { PrependBos = true });

        Assert.Equal(new[] { Gpt2Tokenizer.EndOfTextId }.Concat(plain.Prompts[0].Clean), withBos.Prompts[0].Clean);
        Assert.Equal(new[] { Gpt2Tokenizer.EndOfTextId }.Concat(plain.Prompts[0].Corrupt), withBos.Prompts[0].Corrupt);
        Assert.Equal(plain.Prompts[0].Answers, withBos.Prompts[0].Answers);
    }

    [Fact]
    public void Given_id_prompts_with_word_idxs_when_read_then_each_prompt_gets_its_positions()
    {
        string path = Write("ids.json", """
            {
              "metric": "kl",
              "seq_labels": ["a", "b", "c"],
              "word_idxs": {"IO": 1, "S2": [0, 2]},
              "prompts": [
                {"clean": [1, 2, 3], "corrupt": [4, 5, 6], "answers": [7, 8], "read_position": 1, "clean_text": "x y z"},
                {"clean": [9, 9, 9], "corrupt": [9, 9, 9], "answers": [7], "word_positions": {"end": 2}}
              ]
            }
            """);

        var dataset = TaskFileReader.Read(path, null, 10);

        Assert.Equal("kl", dataset.DefaultMetric);
        Assert.Equal(["a", "b", "c"], dataset.SeqLabels!);
        Assert.Null(dataset.Tokenizer);
        Assert.Equal(new Dictionary<string, int> { ["IO"] = 1, ["S2"] = 0 }, dataset.Prompts[0].WordPositions);
        Assert.Equal(new Dictionary<string, int> { ["end"] = 2, ["IO"] = 1, ["S2"] = 2 }, dataset.Prompts[1].WordPositions);
        Assert.Equal(1, dataset.Prompts[0].EffectiveReadPosition);
        Assert.Equal(2, dataset.Prompts[1].EffectiveReadPosition);
        Assert.Equal("x y z", dataset.Prompts[0].CleanText);
        Assert.Empty(dataset.Prompts[1].WrongAnswers);
    }

    [Fact]
    public void Given_json_lines_with_blank_lines_when_read_then_every_record_is_a_prompt()
    {
        string path = Write("lines.jsonl", """
            {"clean": [1, 2], "corrupt": [3, 4], "answers": [5]}

            {"clean": "w1 w2 w3", "corrupt": "w3 w2 w1", "answers": ["w4"], "wrong_answers": [6]}

            """);
        var plain = PlainVocabularyTokenizer.FromTokens(Enumerable.Range(0, 10).Select(i => $"w{i}"));

        var dataset = TaskFileReader.Read(path, plain, 10);

        Assert.Equal("lines", dataset.Name);
        Assert.Equal(2, dataset.Prompts.Count);
        Assert.Equal([1, 2, 3], dataset.Prompts[1].Clean);
        Assert.Equal([3, 2, 1], dataset.Prompts[1].Corrupt);
        Assert.Equal([4], dataset.Prompts[1].Answers);
        Assert.Equal([6], dataset.Prompts[1].WrongAnswers);
        Assert.Equal("plain", dataset.Tokenizer);
    }

    private string Write(string name, string text)
    {
        string path = _folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }
}
