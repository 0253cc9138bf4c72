using CircuitFinder.Model.Zoo;
using CircuitFinder.Reports;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>discover</c> and <c>export</c> as a user runs them: files written, schema-valid, deterministic, bad input refused.</summary>
public sealed class DiscoverCommandTests
{
    [Fact]
    public async Task ACDC_on_the_planted_induction_model_writes_a_schema_valid_report_with_exactly_the_planted_edges()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("discover", "--model", "zoo:planted-induction", "--task", "induction", "--n", "16", "--method", "acdc",
            "--threshold", "0.05", "--metric", "logprob", "--ablation", "zero", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("circuit.json")));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "circuit.schema.json"));
        Assert.Empty(schema.Validate(json.ToString()));
        var broken = (JObject)json.DeepClone();
        broken["graph"]!["edges"]!["a0.h0->a1.h0<k>"]!["in_graph"] = "yes";
        Assert.NotEmpty(schema.Validate(broken.ToString())); // the schema really checks
        var kept = ((JObject)json["graph"]!["edges"]!).Properties().Where(p => (bool)p.Value["in_graph"]!).Select(p => p.Name).ToHashSet();
        Assert.Equal(ZooCatalog.Get("planted-induction").GroundTruthEdges.ToHashSet(), kept);
        Assert.Equal(kept.Count, (int)json["circuit"]!["edges"]!);
        Assert.True((double)json["circuit"]!["faithfulness"]! > 0.99);
        Assert.Contains("digraph circuit", File.ReadAllText(folder.File("circuit.dot")));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void The_same_inputs_and_seed_give_the_same_report_apart_from_timings()
    {
        using var a = new TemporaryFolder();
        using var b = new TemporaryFolder();
        string[] args = ["discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "8", "--seed", "3", "--method", "eap-ig", "--edges", "12", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. args, "--out", a.Path]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. args, "--out", b.Path]).ExitCode);
        JObject Read(string path)
        {
            var json = JObject.Parse(File.ReadAllText(Path.Combine(path, "circuit.json")));
            json.Remove("timings_seconds");
            return json;
        }

        Assert.True(JToken.DeepEquals(Read(a.Path), Read(b.Path)));
        Assert.Equal(File.ReadAllText(Path.Combine(a.Path, "circuit.dot")), File.ReadAllText(Path.Combine(b.Path, "circuit.dot")));
    }

    [Fact]
    public void Batching_the_prompts_gives_the_same_circuit()
    {
        using var whole = new TemporaryFolder();
        using var batched = new TemporaryFolder();
        string[] args = ["discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "10", "--method", "acdc", "--threshold", "0.02", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. args, "--out", whole.Path]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. args, "--batch", "4", "--out", batched.Path]).ExitCode);
        string[] Edges(string path) => [.. JObject.Parse(File.ReadAllText(Path.Combine(path, "circuit.json")))["graph"]!["edges"]!
            .Children<JProperty>().Where(e => (bool)e.Value["in_graph"]!).Select(e => e.Name)];
        var expected = Edges(whole.Path);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Edges(batched.Path));
        var parameters = JObject.Parse(File.ReadAllText(Path.Combine(batched.Path, "circuit.json")))["method"]!["parameters"]!;
        Assert.Equal(4, (int)parameters["batch"]!);
    }

    [Fact]
    public void Export_writes_the_EAP_IG_graph_format()
    {
        using var folder = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of("discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "8", "--method", "eap", "--budget", "20", "--out", folder.Path, "--quiet").ExitCode);
        var run = CliRun.Of("export", "--format", "eap-ig", folder.File("circuit.json"));
        Assert.Equal(0, run.ExitCode);
        var exported = JObject.Parse(run.Stdout);
        Assert.Equal(2, (int)exported["cfg"]!["n_layers"]!);
        Assert.NotNull(exported["edges"]!["a0.h1->a1.h2<k>"]!["score"]);
        Assert.NotNull(exported["nodes"]!["logits"]!["in_graph"]);
        // streamed edge by edge, the same text as the whole object's
        var whole = EapIgGraphJson.FromCircuitJson(JObject.Parse(File.ReadAllText(folder.File("circuit.json"))), "circuit.json");
        Assert.Equal(JsonFiles.Format(whole), run.Stdout.TrimEnd('\n'));
        Assert.Equal(0, CliRun.Of("export", folder.File("circuit.json"), "--out", folder.File("eap-ig.json")).ExitCode);
        Assert.Equal(JsonFiles.Format(whole) + "\n", File.ReadAllText(folder.File("eap-ig.json")));
    }

    [Theory]
    [InlineData("--method", "acdcc", "--method")]
    [InlineData("--ablation", "shuffle", "--ablation")]
    [InlineData("--metric", "logit_diff", "--metric")]
    [InlineData("--level", "neurons", "--level")]
    [InlineData("--task", "no-such-task", "--task")]
    [InlineData("--batch", "0", "--batch")]
    public void Bad_discover_arguments_are_exit_code_2_naming_the_option(string option, string value, string expected)
    {
        using var folder = new TemporaryFolder();
        var args = new List<string> { "discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "eap", "--edges", "5", "--out", folder.Path };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var run = CliRun.Of([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
        Assert.False(File.Exists(folder.File("circuit.json")));
    }

    [Theory]
    [InlineData("--edges", "5", "--budget", "10")]
    [InlineData("--budget", "0", null, null)]
    [InlineData("--budget", "150", null, null)]
    [InlineData("--edges", "-3", null, null)]
    [InlineData(null, null, null, null)]
    public void EAP_needs_exactly_one_valid_selection(string? option, string? value, string? option2, string? value2)
    {
        using var folder = new TemporaryFolder();
        var args = new List<string> { "discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "eap", "--out", folder.Path };
        foreach (var (o, v) in new[] { (option, value), (option2, value2) })
        {
            if (o is not null)
            {
                args.AddRange([o, v!]);
            }
        }

        var run = CliRun.Of([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--", run.Stderr);
        Assert.False(File.Exists(folder.File("circuit.json")));
    }

    [Fact]
    public void ACDC_without_a_threshold_is_refused()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "acdc", "--edges", "5", "--out", folder.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--threshold", run.Stderr);
    }

    [Fact]
    public void An_unwritable_out_folder_is_refused_before_any_work_and_leaves_nothing()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("a-file"), "x");
        string under = Path.Combine(folder.File("a-file"), "out");
        var run = CliRun.Of("discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "eap", "--edges", "5", "--out", under);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Stderr);
        Assert.Single(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_threshold_that_is_not_a_number_and_a_task_file_with_ids_outside_the_vocabulary_are_exit_code_2()
    {
        using var folder = new TemporaryFolder();
        var nan = CliRun.Of("discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "acdc", "--threshold", "small", "--out", folder.Path);
        Assert.Equal(2, nan.ExitCode);
        Assert.Contains("small", nan.Stderr);
        File.WriteAllText(folder.File("bad.json"), """{"prompts": [{"clean": [1, 2, 300], "corrupt": [1, 2, 3], "answers": [4]}]}""");
        var ids = CliRun.Of("discover", "--model", "zoo:attn-only-2l", "--task", folder.File("bad.json"), "--method", "eap", "--edges", "5", "--out", folder.File("out"));
        Assert.Equal(2, ids.ExitCode);
        Assert.Contains("300", ids.Stderr);
        Assert.False(Directory.Exists(folder.File("out")), "nothing is left behind");
    }
}
