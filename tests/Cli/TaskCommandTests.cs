using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;
using CircuitFinder.Tests.Tasks.Files;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>circuitfinder task make</c> and <c>task show</c>: files written atomically, summaries, bad input as exit code 2.</summary>
public sealed class TaskCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Task_show_prints_name_count_metric_hash_and_the_first_prompts()
    {
        var dataset = TaskFileRoundTripTests.RandomDataset(4);
        string path = _folder.File("shown.json");
        TaskFileWriter.Write(dataset, path);

        var run = CliRun.Of("task", "show", path, "--n", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("task random-4", run.Stdout);
        Assert.Contains($"prompts:      {dataset.Prompts.Count}", run.Stdout);
        Assert.Contains("metric:       kl", run.Stdout);
        Assert.Contains(dataset.ContentHash, run.Stdout);
        Assert.Contains($"[{string.Join(", ", dataset.Prompts[1].Clean)}]", run.Stdout);
        Assert.Contains("prompt 1:", run.Stdout);
        Assert.DoesNotContain("prompt 2:", run.Stdout);
    }

    [Fact]
    public void Task_show_json_of_a_text_file_gives_ids_token_strings_answers_and_read_position()
    {
        string path = _folder.File("ioi.jsonl");
        File.WriteAllText(path, """
            {"clean": "When Mary and John went to the store, John gave a drink to", "corrupt": "When Alice and Bob went to the store, Carol gave a drink to", "answers": [" Mary"], "wrong_answers": [" John"]}
            """);

        var run = CliRun.Of("task", "show", path, "--json", "--no-prepend-bos");

        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal("ioi", (string?)json["name"]);
        Assert.Equal(1, (int)json["prompt_count"]!);
        Assert.Equal("logit-diff", (string?)json["metric"]);
        var prompt = json["prompts"]![0]!;
        var clean = Gpt2Tokenizer.Instance.Encode("When Mary and John went to the store, John gave a drink to");
        Assert.Equal(clean, prompt["clean"]!.Values<int>());
        Assert.Equal(" Mary", (string?)prompt["clean_tokens"]![1]);
        Assert.Equal([5335], prompt["answers"]!.Values<int>());
        Assert.Equal([" Mary"], prompt["answer_tokens"]!.Values<string>());
        Assert.Equal([" John"], prompt["wrong_answer_tokens"]!.Values<string>());
        Assert.Equal(clean.Count - 1, (int)prompt["read_position"]!);
    }

    [Fact]
    public void Task_show_of_a_malformed_file_is_exit_code_2_naming_file_prompt_and_field()
    {
        string path = _folder.File("broken.json");
        File.WriteAllText(path, """{"prompts": [{"clean": [1, 2], "corrupt": [1], "answers": [3]}]}""");

        var run = CliRun.Of("task", "show", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.json", run.Stderr);
        Assert.Contains("prompt 0", run.Stderr);
        Assert.Contains("field 'corrupt'", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Task_show_of_text_with_a_model_that_has_no_tokenizer_is_exit_code_2()
    {
        string path = _folder.File("text.json");
        File.WriteAllText(path, """{"prompts": [{"clean": "a b", "corrupt": "c d", "answers": [3]}]}""");

        var run = CliRun.Of("task", "show", path, "--model", FixturePaths.Model("tl-gelu-2l-tiny"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no tokenizer", run.Stderr);
    }

    [Fact]
    public void Task_make_with_an_unknown_name_is_exit_code_2_listing_the_known_tasks()
    {
        var run = CliRun.Of("task", "make", "no-such-task", "--n", "4", "--seed", "1", "--out", _folder.File("x.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown task 'no-such-task'", run.Stderr);
        Assert.Contains("known tasks:", run.Stderr);
        Assert.All(TaskGeneratorCatalog.Names, name => Assert.Contains(name, run.Stderr));
        Assert.False(File.Exists(_folder.File("x.json")));
    }

    [Fact]
    public void Task_make_without_out_is_a_usage_error()
    {
        var run = CliRun.Of("task", "make", "induction", "--n", "4");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Stderr);
    }

    [SkippableFact]
    public void Task_make_induction_writes_a_file_that_reads_back_with_the_printed_hash()
    {
        Skip.If(!TaskGeneratorCatalog.Names.Contains("induction"), "the induction generator is not in the catalog yet");
        string path = _folder.File("induction.jsonl");
        string model = FixturePaths.Model("tl-attn-only-2l-tiny");

        var run = CliRun.Of("task", "make", "induction", "--n", "8", "--seed", "3", "--model", model, "--out", path, "--json");

        Assert.Equal(0, run.ExitCode);
        var summary = JObject.Parse(run.Stdout);
        var read = TaskFileReader.Read(path, null, 200);
        Assert.Equal((string?)summary["content_hash"], read.ContentHash);
        Assert.Equal(8, (int)summary["prompts"]!);
        Assert.Equal(8, read.Prompts.Count);
        Assert.All(read.Prompts, p => Assert.All(p.Clean, id => Assert.InRange(id, 0, 199)));

        var again = CliRun.Of("task", "make", "induction", "--n", "8", "--seed", "3", "--model", model, "--out", _folder.File("again.json"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains(read.ContentHash, again.Stderr);
    }
}
