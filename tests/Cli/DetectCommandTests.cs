using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class DetectCommandTests
{
    [Fact]
    public void Detect_json_gives_one_row_per_head_with_scores_and_labels()
    {
        var run = CliRun.Of("detect", "--model", "zoo:planted-induction", "--detectors", "previous-token,induction,composition", "--json", "--quiet");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        var heads = (JArray)json["heads"]!;
        Assert.Equal(4, heads.Count);
        var l1h0 = heads.Single(h => (string?)h["id"] == "L1H0");
        Assert.Equal(1, (int)l1h0["layer"]!);
        Assert.Contains("induction", l1h0["labels"]!.Values<string>());
        Assert.Null((double?)heads[0]["scores"]!["k-composition"]); // layer 0 receives from no one
        Assert.Contains("k-composition", json["baselines"]!.ToObject<Dictionary<string, double>>()!.Keys);
    }

    [Fact]
    public void Detect_csv_to_a_file_has_the_head_columns_then_the_scores()
    {
        using var folder = new TemporaryFolder();
        string file = folder.File("heads.csv");
        var run = CliRun.Of("detect", "--model", "zoo:planted-induction", "--detectors", "previous-token,copying", "--csv", "--out", file, "--quiet");
        Assert.Equal(0, run.ExitCode);
        var lines = File.ReadAllLines(file);
        Assert.Equal("model,step,id,layer,head,previous-token,copying,labels", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("zoo:planted-induction,,L0H0,0,0,", lines[1]);
    }

    [Fact]
    public void Detect_text_prints_an_aligned_table_and_the_notes()
    {
        var run = CliRun.Of("detect", "--model", "zoo:planted-ioi", "--detectors", "ioi", "--quiet");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("name-mover", run.Stdout.Split('\n')[0]);
        Assert.Matches(@"L2H0\s+2\s+0\s+.*name-mover", run.Stdout);
        Assert.Contains("# ioi: 32 prompts of task planted-ioi", run.Stdout);
    }

    [Fact]
    public void User_patterns_from_a_file_become_score_columns()
    {
        using var folder = new TemporaryFolder();
        string file = folder.File("patterns.json");
        File.WriteAllText(file, """
            [{"name": "two-back", "rule": "offset", "offset": -2},
             {"name": "after-copy", "rule": "after-same-token", "input": "repeated", "error_measure": "abs", "exclude_bos": true}]
            """);
        var run = CliRun.Of("detect", "--model", "zoo:planted-induction", "--detectors", "induction", "--pattern", file, "--json", "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal(["induction", "two-back", "after-copy"], json["columns"]!.Values<string>());
        var l1h0 = json["heads"]!.Single(h => (string?)h["id"] == "L1H0");
        Assert.True((double)l1h0["scores"]!["after-copy"]! > (double)json["heads"]![0]!["scores"]!["after-copy"]!);
    }

    [Theory]
    [InlineData("--detectors", "inductoin", "--detectors: unknown detector 'inductoin'")]
    [InlineData("--error-measure", "max", "--error-measure: unknown error measure 'max'")]
    [InlineData("--pattern", "/nonexistent/p.json", "/nonexistent/p.json: pattern file not found")]
    public void Bad_detect_options_exit_2_naming_the_option(string option, string value, string message)
    {
        var run = CliRun.Of("detect", "--model", "zoo:planted-induction", option, value, "--quiet");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal(string.Empty, run.Stdout);
    }
}
