using CircuitFinder.Studies;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>study list</c>, <c>study NAME</c> on a fast study, exit codes (a failed claim: 0, or 3 with --strict), bad input.</summary>
public sealed class StudyCommandTests
{
    [Fact]
    public void Given_study_list_when_run_then_every_study_is_printed_with_its_seed_problems_default_inputs_and_claims()
    {
        var run = CliRun.Of("study", "list");

        Assert.Equal(0, run.ExitCode);
        foreach (var study in StudyCatalog.All)
        {
            Assert.Contains($"{study.Name}  [{study.SeedProblems}]", run.Stdout, StringComparison.Ordinal);
            Assert.Contains($"default  {study.Defaults.Describe()}", run.Stdout, StringComparison.Ordinal);
            Assert.Contains($"claim    {study.ClaimStatements[0]}", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Given_a_study_whose_claim_fails_when_run_then_it_exits_0_reports_FAIL_with_the_numbers_and_writes_its_folder()
    {
        using var temp = new TemporaryFolder();
        string folder = temp.File("out");

        // induction-heads on zoo:attn-only-2l: four heads of layer 1 share the induction work, so ablating the top one
        // removes only part of the in-context gain (its second claim fails on this model)
        var run = CliRun.Of("study", "induction-heads", "--n", "8", "--out", folder);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("PASS  second-half-lower:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  top-head-carries-gain:", run.Stdout, StringComparison.Ordinal);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "study.json")));
        var failed = json["claims"]!.Single(c => (string?)c["id"] == "top-head-carries-gain");
        Assert.Equal("FAIL", (string?)failed["verdict"]);
        Assert.True((double)failed["measured"]! < (double)failed["threshold"]!);
        Assert.Equal("zoo:attn-only-2l", (string?)json["inputs"]![0]!["source"]);
        Assert.Equal(64, ((string?)json["inputs"]![0]!["sha256"])!.Length);
        foreach (var file in new[] { "report.md", "report.html", "img/induction-scores.png", "img/loss-by-half.png" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }
    }

    [Fact]
    public void Given_strict_when_a_claim_fails_then_the_command_exits_3_and_still_writes_the_report()
    {
        using var temp = new TemporaryFolder();
        string folder = temp.File("out");

        var run = CliRun.Of("study", "induction-heads", "--n", "8", "--strict", "--out", folder);

        Assert.Equal(3, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(folder, "study.json")));
    }

    [Fact]
    public void Given_one_seed_when_a_study_runs_twice_then_study_json_is_the_same_but_for_the_timings()
    {
        using var temp = new TemporaryFolder();
        JObject Run(string name)
        {
            var run = CliRun.Of("study", "ablation-disagreement", "--n", "8", "--seed", "5", "--out", temp.File(name));
            Assert.True(run.ExitCode == 0, run.Stderr);
            var json = JObject.Parse(File.ReadAllText(temp.File($"{name}/study.json")));
            json.Remove("timings");
            return json;
        }

        Assert.Equal(Run("a").ToString(), Run("b").ToString());
    }

    [Theory]
    [InlineData("no-such-study", "did you mean")]
    [InlineData("induction-heads", "--out")]
    public void Given_an_unknown_study_or_no_out_folder_when_run_then_it_exits_2_naming_it(string study, string named)
    {
        var run = CliRun.Of("study", study);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "zoo:no-such-model", "zoo:no-such-model")]
    [InlineData("--task", "no-such-task", "--task")]
    [InlineData("--n", "0", "--n")]
    [InlineData("--revisions", "step0", "--revisions needs --family")]
    public void Given_a_bad_input_when_a_study_runs_then_it_exits_2_naming_it_and_leaves_no_folder(string option, string value, string named)
    {
        using var temp = new TemporaryFolder();
        string folder = temp.File("out");

        var run = CliRun.Of("study", "ablation-disagreement", option, value, "--out", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "the output folder was left behind");
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Given_a_checkpoint_the_family_lacks_when_training_diff_runs_then_it_exits_2_naming_the_option_and_the_checkpoints_it_has()
    {
        using var temp = new TemporaryFolder();

        var run = CliRun.Of("study", "training-diff", "--from", "step_500", "--out", temp.File("out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--from step_500", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("did you mean", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("step_512, step_1024", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Given_both_a_model_and_a_family_when_a_study_runs_then_it_exits_2()
    {
        using var temp = new TemporaryFolder();

        var run = CliRun.Of("study", "induction-formation", "--model", "zoo:attn-only-2l", "--family", "zoo:attn-only-2l", "--out", temp.File("out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--model or --family", run.Stderr, StringComparison.Ordinal);
    }
}
