using CircuitFinder.Model.Training;
using CircuitFinder.Tests.Model;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Cli;

public sealed class DiffCommandTests
{
    private static string Zoo2l => ShippedZoo.Folder("attn-only-2l");

    /// <summary>The worked example's text (docs/diff.md): 23 tokens, then the same 23 again.</summary>
    private static string RepeatedText => Path.Combine(AppContext.BaseDirectory, "docs", "examples", "repeated-tokens.txt");

    [Fact]
    public async Task Given_attn_only_2l_before_and_after_induction_when_diffed_on_repeated_text_then_layer_1_heads_dominate_patching_on_the_repeated_half()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        var run = CliRun.Of("diff", "--a", Path.Combine(Zoo2l, "checkpoints", "step_512"), "--b", "zoo:attn-only-2l", "--text", RepeatedText, "--task", "induction", "--n", "8", "--quiet", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [".circuitfinder-output", "diff.csv", "diff.html", "diff.json", "diff.md", "difference.png", "dla-heads.png", "logprobs.png", "patching-heads.png", "weights-heads.png"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string text = File.ReadAllText(Path.Combine(dir, "diff.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "diff.schema.json"));
        Assert.Empty(schema.Validate(text));
        var json = JObject.Parse(text);
        Assert.Equal("circuitfinder/diff@1", (string?)json["schema"]);
        Assert.False((bool)json["identical"]!);
        int tokens = ((JArray)json["text"]!["tokens"]!).Count;
        var patching = json["inside"]!["patching"]!;
        Assert.All(patching["positions"]!.Values<int>(), p => Assert.True(p >= tokens / 2, $"position {p} of {tokens} is not in the repeated half"));
        var heads = patching["components"]!.Where(c => (string?)c["kind"] == "head").ToList();
        Assert.Equal(1, (int)heads[0]["layer"]!);
        double layer1 = heads.Where(h => (int)h["layer"]! == 1).Sum(h => (double)h["recovery"]!);
        double layer0 = heads.Where(h => (int)h["layer"]! == 0).Sum(h => (double)h["recovery"]!);
        Assert.True(layer1 > 2 * Math.Abs(layer0), $"layer 1 heads recover {layer1}, layer 0 heads {layer0}");
        var task = json["tasks"]![0]!;
        Assert.True((double)task["accuracy_b"]! > (double)task["accuracy_a"]!);
        Assert.Contains("task induction (8 prompts)", run.Stdout);
        Assert.Contains("L1H2", run.Stdout);
    }

    [Fact]
    public void Given_a_model_diffed_with_itself_when_running_diff_then_every_number_is_0_and_the_report_says_so()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        var run = CliRun.Of("diff", "--a", "zoo:attn-only-2l", "--b", "zoo:attn-only-2l", "--text", RepeatedText, "--task", "induction", "--n", "4", "--quiet", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("identical: every difference is exactly 0", run.Stdout);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "diff.json")));
        Assert.True((bool)json["identical"]!);
        Assert.All(json["text"]!["positions"]!, p => Assert.Equal(0.0, (double)p["difference"]!));
        Assert.All(json["text"]!["positions"]!, p => Assert.Equal(0.0, (double)p["kl"]!));
        Assert.All(json["inside"]!["parameters"]!, p => Assert.Equal(0.0, (double)p["difference_norm"]!));
        Assert.All(json["inside"]!["activations"]!, p => Assert.Equal(0.0, (double)p["mean_abs_difference"]!));
        Assert.All(json["inside"]!["attribution"]!, p => Assert.Equal(0.0, (double)p["mean_abs_difference"]!));
        Assert.Equal((double)json["tasks"]![0]!["metric_a"]!, (double)json["tasks"]![0]!["metric_b"]!);
        Assert.Contains("Every difference is exactly 0", File.ReadAllText(Path.Combine(dir, "diff.md")));
        Assert.Contains("Every difference is exactly 0", File.ReadAllText(Path.Combine(dir, "diff.html")));
    }

    [Fact]
    public void Given_a_copy_of_attn_only_2l_with_L1H2s_W_O_zeroed_when_diffed_against_the_original_then_L1H2_ranks_first_in_weights_attribution_and_patching()
    {
        using var copy = new TemporaryFolder();
        foreach (var name in new[] { "config.json", "model.safetensors", "vocab.json" })
        {
            File.Copy(Path.Combine(Zoo2l, name), copy.File(name));
        }

        SafetensorsEdits.Rewrite(copy.File("model.safetensors"), weights =>
        {
            using var noGrad = no_grad();
            weights["blocks.1.attn.W_O"][2].zero_();
        });
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        var run = CliRun.Of("diff", "--a", copy.Path, "--b", "zoo:attn-only-2l", "--text", RepeatedText, "--quiet", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        var inside = JObject.Parse(File.ReadAllText(Path.Combine(dir, "diff.json")))["inside"]!;
        Assert.Equal("L1H2", (string?)inside["heads"]![0]!["unit"]);
        Assert.All(inside["heads"]!.Skip(1), h => Assert.Equal(0.0, (double)h["difference_norm"]!));
        Assert.Equal("L1H2", (string?)inside["attribution"]!.First(a => ((string)a["component"]!).Contains('H', StringComparison.Ordinal))["component"]);
        var heads = inside["patching"]!["components"]!.Where(c => (string?)c["kind"] == "head").ToList();
        Assert.Equal("L1H2", (string?)heads[0]["component"]);
        Assert.Equal(1.0, (double)heads[0]["recovery"]!, 3);
    }

    [Fact]
    public void Given_models_with_different_vocabularies_when_diffing_a_text_then_exit_2_asks_for_tokens_and_with_tokens_the_black_box_diff_is_written()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        var refused = CliRun.Of("diff", "--a", "zoo:attn-only-2l", "--b", "zoo:toy-ioi", "--text", RepeatedText, "--out", dir);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("do not share a vocabulary", refused.Stderr);
        Assert.Contains("--tokens", refused.Stderr);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));

        var run = CliRun.Of("diff", "--a", "zoo:attn-only-2l", "--b", "zoo:toy-ioi", "--tokens", "0,5,9,3,5,9,3,5", "--quiet", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "diff.json")));
        Assert.Equal(7, ((JArray)json["text"]!["positions"]!).Count);
        Assert.Equal(JTokenType.Null, json["inside"]!.Type);
        Assert.Contains("embed.W_E", (string?)json["inside_refused"]);
        Assert.Contains("not compared inside", run.Stderr);
    }

    [Theory]
    [InlineData("task", "'no-such-task' is neither a task file nor a built-in task")]
    [InlineData("long", "more than n_ctx = 48")]
    [InlineData("long", "--chunk")]
    [InlineData("tokens", "--tokens: token id 64 at index 2")]
    [InlineData("none", "give --text FILE, --tokens IDS or --task T")]
    public void Given_bad_input_when_running_diff_then_exit_2_names_the_problem_and_nothing_is_left_in_out(string kind, string message)
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        string longText = folder.File("long.txt");
        File.WriteAllText(longText, string.Join(" ", Enumerable.Range(0, 60).Select(i => $"t{1 + (i % 63)}")));
        string[] input = kind switch
        {
            "task" => ["--text", RepeatedText, "--task", "induction,no-such-task"],
            "long" => ["--text", longText],
            "tokens" => ["--tokens", "0,5,64"],
            _ => [],
        };
        var run = CliRun.Of(["diff", "--a", "zoo:attn-only-2l", "--b", "zoo:attn-only-2l", .. input, "--out", dir]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(dir));
        Assert.Equal([longText], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Given_a_text_longer_than_n_ctx_with_chunk_when_running_diff_then_every_token_after_the_first_is_predicted_once()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("diff");
        string longText = folder.File("long.txt");
        File.WriteAllText(longText, string.Join(" ", Enumerable.Range(0, 60).Select(i => $"t{1 + (i % 63)}")));
        var run = CliRun.Of("diff", "--a", "zoo:attn-only-2l", "--b", Path.Combine(Zoo2l, "checkpoints", "step_512"), "--text", longText, "--chunk", "--quiet", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        var text = JObject.Parse(File.ReadAllText(Path.Combine(dir, "diff.json")))["text"]!;
        Assert.Equal(2, (int)text["windows"]!);
        Assert.Equal(Enumerable.Range(0, 60), text["positions"]!.Select(p => (int)p["position"]!));
    }
}
