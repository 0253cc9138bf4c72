using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class LensCommandTests
{
    [Fact]
    public void Given_the_induction_task_on_attn_only_2l_when_running_lens_then_the_layer_1_heads_carry_the_direct_effect_and_the_lens_jumps_after_layer_1()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("lens");
        var run = CliRun.Of("lens", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "12", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [".circuitfinder-output", "dla-components.png", "dla-heads.png", "lens.csv", "lens.json", "lens.png"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "lens.json")));
        Assert.Equal("circuitfinder/lens@1", (string?)json["schema"]);
        var heads = json["dla_heads"]!["values"]!.ToObject<double[][]>()!;
        Assert.True(heads[1].Min() > heads[0].Max(), $"every layer-1 head should attribute more than any layer-0 head: {string.Join(" | ", heads.Select(r => string.Join(", ", r)))}");
        var lens = json["lens"]!["values"]!.ToObject<double[][]>()!.Select(r => r[0]).ToArray(); // 0_pre, 1_pre, final_post
        Assert.True(lens[2] - lens[1] > 5 * Math.Abs(lens[1] - lens[0]), $"lens {string.Join(", ", lens)}");
        Assert.Equal((double)json["model_value"]![0]!, (double)json["attribution_sum"]![0]!, 5);
        Assert.Contains("L1H3", run.Stdout);
        var csv = File.ReadAllLines(Path.Combine(dir, "lens.csv"));
        Assert.Equal("map,row_axis,row,column_axis,column,value", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("dla-heads,layer,1,head,3,", StringComparison.Ordinal));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(dir, "dla-heads.png")).Take(4));
    }

    [Fact]
    public void Given_one_prompt_with_answer_and_wrong_ids_when_running_lens_then_every_position_has_a_column_and_the_top_tokens_are_listed()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("lens");
        var run = CliRun.Of("lens", "--model", "zoo:planted-ioi", "--tokens", "0,5,9,8,10,11,12,13,14,8,15,16,17,11", "--answer", "#5", "--wrong", "Mark", "--out", dir);
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "lens.json")));
        Assert.Equal(14, ((JArray)json["columns"]!).Count);
        Assert.Equal("13:to", (string?)json["columns"]![13]);
        Assert.Equal("logit('Kate') - logit('Mark')", (string?)json["target"]);
        Assert.Equal(4, ((JArray)json["lens_top_tokens"]!).Count);
        Assert.True((double)json["model_value"]![13]! > 10);
    }

    [Theory]
    [InlineData("--answer", "Kate Mark", "'Kate Mark' is not a single token")]
    [InlineData("--answer", "#999", "--answer: token id 999 is outside")]
    [InlineData("--wrong", "", "--wrong: '' is not a single token")]
    public void Given_an_answer_that_is_not_one_token_when_running_lens_then_exit_2_names_the_option_and_nothing_is_written(string option, string value, string message)
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("lens");
        string[] answer = option == "--answer" ? ["--answer", value] : ["--answer", "Kate", option, value];
        var run = CliRun.Of(["lens", "--model", "zoo:planted-ioi", "--tokens", "0,5,9", .. answer, "--out", dir]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Given_a_folder_with_someone_elses_files_when_running_lens_into_it_then_exit_2_and_the_files_stay()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("notes.txt"), "mine");
        var run = CliRun.Of("lens", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "2", "--out", folder.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Stderr);
        Assert.Equal(["notes.txt"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Given_a_task_and_an_answer_when_running_lens_then_exit_2()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("lens", "--model", "zoo:attn-only-2l", "--task", "induction", "--answer", "#3", "--out", folder.File("x"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--answer and --wrong go with --prompt", run.Stderr);
    }
}
