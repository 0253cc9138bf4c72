using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// Issue 15's bad-input classes (items 4, 7, 9, 11): wrong JSON types in circuit, hypothesis, truth and checkpoint
/// files, out-of-range options, lenient task files, prompts longer than n_ctx — each exit code 2 with one line naming
/// the file, field or option — and the task options that used to be dropped (--n with a task file, BOS).
/// </summary>
public sealed class CliInputTypeTests
{
    private const string Model = "zoo:planted-ioi";

    [Theory]
    [InlineData("""{"schema": "circuitfinder/circuit@1", "graph": []}""")]
    [InlineData("""{"schema": "circuitfinder/circuit@1", "graph": {"level": {"x": 1}, "edges": {}}}""")]
    [InlineData("""{"schema": {"name": "circuitfinder/circuit@1"}, "graph": {"level": "qkv", "edges": {}}}""")]
    [InlineData("""{"edges": {"input->logits": {"score": "high", "in_graph": true}}}""")]
    public void A_circuit_file_with_a_field_of_the_wrong_type_is_exit_code_2_naming_the_file(string text)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("circuit.json");
        File.WriteAllText(path, text);
        AssertBadInput(CliRun.Of("verify", "--model", Model, "--task", "planted-ioi", "--n", "4", "--circuit", path, "--no-completeness"), "circuit.json");
        AssertBadInput(CliRun.Of("verify", "--model", Model, "--task", "planted-ioi", "--n", "4", "--circuit", Truth(folder), "--truth", path, "--no-completeness"), "circuit.json");
    }

    [Fact]
    public void A_NaN_score_in_circuit_json_is_exit_code_2_naming_the_edge_and_field()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("circuit.json");
        File.WriteAllText(path, """{"edges": {"input->logits": {"score": NaN, "in_graph": true}}}""");
        AssertBadInput(CliRun.Of("verify", "--model", Model, "--task", "planted-ioi", "--n", "4", "--circuit", path, "--no-completeness"), "'score'");
    }

    [Theory]
    [InlineData("""{"edges": {"input->logits": {}}, "nodes": {"a0.h0": "token"}}""")]
    [InlineData("""{"edges": {"input->logits": {"feature": {"kind": "token", "position": 99999999999999}}}}""")]
    [InlineData("""{"schema": {"x": 1}, "edges": {"input->logits": {}}}""")]
    public void A_hypothesis_with_a_field_of_the_wrong_type_is_exit_code_2_naming_the_file(string text)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("bad.hypothesis.json");
        File.WriteAllText(path, text);
        AssertBadInput(CliRun.Of("verify", "--model", Model, "--task", "planted-ioi", "--n", "4", "--hypothesis", path), "bad.hypothesis.json");
    }

    [Theory]
    [InlineData("""{"format": "circuitfinder/acdc-checkpoint@1", "fingerprint": "x", "next_index": 99999999999999, "ablated": [], "scores": {}, "tests": 0, "current": "0"}""")]
    [InlineData("""{"format": "circuitfinder/acdc-checkpoint@1", "fingerprint": "x", "next_index": {"a": 1}, "ablated": [], "scores": {}, "tests": 0, "current": "0"}""")]
    [InlineData("""{"format": "circuitfinder/acdc-checkpoint@1", "fingerprint": "x", "next_index": -3, "ablated": [], "scores": {}, "tests": 0, "current": "0"}""")]
    public void A_checkpoint_with_a_field_of_the_wrong_type_is_exit_code_2_naming_the_file(string text)
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "acdc-checkpoint.json"), text.Replace("circuitfinder/acdc-checkpoint@1", CheckpointFormat(), StringComparison.Ordinal));
        var run = CliRun.Of("discover", "--model", Model, "--task", "planted-ioi", "--n", "4", "--method", "acdc", "--threshold", "0.1", "--resume", "--out", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("acdc-checkpoint.json", run.Stderr);
    }

    [Theory]
    [InlineData("eap", "--budget", "NaN", "--budget")]
    [InlineData("eap-ig", "--ig-steps", "-2", "--ig-steps")]
    [InlineData("eap-ig", "--ig-steps", "0", "--ig-steps")]
    [InlineData("hybrid", "--screen", "0", "--screen")]
    [InlineData("hybrid", "--screen", "1.5", "--screen")]
    [InlineData("hybrid", "--screen", "NaN", "--screen")]
    [InlineData("eap", "--positions", "every", "--positions")]
    [InlineData("acdc", "--positions", "label", "--positions")]
    public void An_out_of_range_discovery_option_is_exit_code_2_naming_it(string method, string option, string value, string expected)
    {
        using var folder = new TemporaryFolder();
        var select = method is "hybrid" or "acdc" ? new[] { "--threshold", "0.1" } : option == "--budget" ? [] : ["--edges", "5"];
        var run = CliRun.Of([.. new[] { "discover", "--model", Model, "--task", "planted-ioi", "--n", "4", "--method", method, option, value, "--out", folder.File("out") }, .. select]);
        AssertBadInput(run, expected);
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any(), "files were left behind");
    }

    [Fact]
    public void A_task_file_with_an_unknown_metric_is_refused_by_task_show_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("task.json");
        File.WriteAllText(path, """{"metric": "logit-dif", "prompts": [{"clean": [1, 2], "corrupt": [3, 4], "answers": [5], "wrong_answers": [6]}]}""");
        AssertBadInput(CliRun.Of("task", "show", path), "field 'metric'");
    }

    [Fact]
    public void A_logit_diff_task_file_without_wrong_answers_is_refused_naming_the_prompt_and_field()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("task.json");
        File.WriteAllText(path, """{"metric": "logit-diff", "prompts": [{"clean": [1, 2], "corrupt": [3, 4], "answers": [5]}]}""");
        AssertBadInput(CliRun.Of("task", "show", path), "prompt 0");
        AssertBadInput(CliRun.Of("task", "show", path), "'wrong_answers'");
    }

    [Fact]
    public void A_prompt_longer_than_n_ctx_is_exit_code_2_naming_the_prompt_in_every_command_that_reads_a_task()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("long.json");
        var ids = string.Join(", ", Enumerable.Range(0, 200).Select(i => 1 + (i % 20)));
        File.WriteAllText(path, $$"""{"metric": "logprob", "prompts": [{"clean": [1, 2], "corrupt": [3, 4], "answers": [5]}, {"clean": [{{ids}}], "corrupt": [{{ids}}], "answers": [5]}]}""");
        AssertBadInput(CliRun.Of("task", "show", path, "--model", Model), "prompt 1");
        AssertBadInput(CliRun.Of("discover", "--model", Model, "--task", path, "--method", "eap", "--edges", "5", "--out", folder.File("out")), "prompt 1");
        AssertBadInput(CliRun.Of("verify", "--model", Model, "--task", path, "--circuit", Truth(folder)), "prompt 1");
        AssertBadInput(CliRun.Of("detect", "--model", Model, "--detectors", "ioi", "--ioi-task", path), "prompt 1");
    }

    [Fact]
    public void N_with_a_task_file_takes_the_first_prompts_and_says_so()
    {
        using var folder = new TemporaryFolder();
        string task = folder.File("task.json");
        Assert.Equal(0, CliRun.Of("task", "make", "planted-ioi", "--model", Model, "--n", "6", "--out", task).ExitCode);
        var run = CliRun.Of("discover", "--model", Model, "--task", task, "--n", "4", "--method", "eap", "--edges", "5", "--out", folder.File("out"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("first 4 of its 6 prompts", run.Stderr);
        var circuit = JObject.Parse(File.ReadAllText(folder.File("out/circuit.json")));
        Assert.Equal(4, (int)circuit["task"]!["prompts"]!);
    }

    [Fact]
    public void Text_prompts_get_bos_by_default_and_the_choice_is_recorded_in_circuit_json()
    {
        using var folder = new TemporaryFolder();
        string task = folder.File("text.json");
        File.WriteAllText(task, """{"metric": "logprob", "prompts": [{"clean": "t1 t2 t3", "corrupt": "t4 t5 t6", "answers": ["t1"]}, {"clean": "t2 t3 t4", "corrupt": "t5 t6 t7", "answers": ["t2"]}]}""");
        var shown = JObject.Parse(CliRun.Of("task", "show", task, "--model", "zoo:attn-only-1l", "--json").Stdout);
        Assert.Equal(0, (int)shown["prompts"]![0]!["clean"]![0]!); // <bos>
        var plain = JObject.Parse(CliRun.Of("task", "show", task, "--model", "zoo:attn-only-1l", "--json", "--no-prepend-bos").Stdout);
        Assert.Equal(3, plain["prompts"]![0]!["clean"]!.Count());
        foreach (var (flag, expected) in new[] { ("--prepend-bos", true), ("--no-prepend-bos", false) })
        {
            string output = folder.File("out" + flag);
            var run = CliRun.Of("discover", "--model", "zoo:attn-only-1l", "--task", task, "--method", "eap", "--edges", "3", flag, "--out", output);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var circuit = JObject.Parse(File.ReadAllText(Path.Combine(output, "circuit.json")));
            Assert.Equal(expected, (bool)circuit["method"]!["parameters"]!["prepend_bos"]!);
        }

        AssertBadInput(CliRun.Of("task", "show", task, "--prepend-bos", "--no-prepend-bos"), "--no-prepend-bos");
    }

    private static string Truth(TemporaryFolder folder)
    {
        string path = folder.File("truth.json");
        if (!File.Exists(path))
        {
            Assert.Equal(0, CliRun.Of("zoo", "truth", "planted-ioi", "--out", path).ExitCode);
        }

        return path;
    }

    private static string CheckpointFormat() =>
        (string)typeof(CircuitFinder.Patching.Discovery.AcdcCheckpoint).GetField("Format", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null)!;

    private static void AssertBadInput(CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains(expected, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
