using Newtonsoft.Json.Linq;
using NJsonSchema;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>circuitfinder verify</c> end to end on the planted zoo models.</summary>
public sealed class VerifyCommandTests
{
    private static string Hypotheses(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hypotheses", name);

    [Fact]
    public async Task Given_the_planted_ground_truth_when_verified_against_itself_then_verification_json_is_schema_valid_and_holds_every_section()
    {
        using var folder = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of("zoo", "truth", "planted-ioi", "--out", folder.File("truth.json")).ExitCode);
        var run = CliRun.Of(
            "--quiet", "verify", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "48", "--circuit", folder.File("truth.json"),
            "--truth", folder.File("truth.json"), "--hypothesis", Hypotheses("planted-ioi.hypothesis.json"), "--draws", "2", "--bootstrap", "50",
            "--subsets", "2", "--greedy-steps", "1", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("faithfulness", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("loss recovered", run.Stdout, StringComparison.Ordinal);

        var json = JObject.Parse(File.ReadAllText(folder.File("out/verification.json")));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "verification.schema.json"));
        Assert.Empty(schema.Validate(json.ToString()));
        var broken = (JObject)json.DeepClone();
        broken["causal_scrubbing"]![0]!["mode"] = "forest";
        Assert.NotEmpty(schema.Validate(broken.ToString())); // the schema really checks
        Assert.Equal("circuitfinder/verification@1", (string?)json["schema"]);
        Assert.True((double)json["faithfulness"]!["faithfulness"]! >= 0.95);
        Assert.Equal(1.0, (double)json["ground_truth"]!["levels"]!["edge"]!["precision"]!);
        Assert.Equal(1.0, (double)json["ground_truth"]!["levels"]!["node"]!["auroc"]!);
        Assert.NotNull(json["completeness"]!["worst"]);
        Assert.Equal(3, ((JArray)json["minimality"]!["nodes"]!).Count);
        Assert.True((double)json["causal_scrubbing"]![0]!["loss_recovered"]!["value"]! >= 0.9);
        Assert.Null(json["curve"]); // an id list carries no scores
    }

    [Fact]
    public async Task Given_a_discovered_circuit_json_when_verified_with_merge_then_the_curve_is_added_under_verification()
    {
        using var folder = new TemporaryFolder();
        var discover = CliRun.Of("--quiet", "discover", "--model", "zoo:planted-induction", "--task", "induction", "--n", "24", "--method", "eap", "--edges", "7", "--out", folder.Path);
        Assert.True(discover.ExitCode == 0, discover.Stderr);
        string circuit = folder.File("circuit.json");
        var run = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "24", "--circuit", circuit, "--no-completeness", "--merge", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var merged = JObject.Parse(File.ReadAllText(circuit));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "circuit.schema.json"));
        Assert.Empty(schema.Validate(merged.ToString()));
        var verification = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "verification.schema.json"));
        Assert.Empty(verification.Validate(merged["verification"]!.ToString()));
        Assert.Equal("circuitfinder/circuit@1", (string?)merged["schema"]);
        var curve = (JArray)merged["verification"]!["curve"]!["points"]!;
        Assert.Equal(10, curve.Count);
        Assert.Equal(1.0, (double)curve[^1]!["faithfulness"]!);
        Assert.Equal("circuitfinder/verification@1", (string?)JObject.Parse(run.Stdout)["schema"]);
    }

    [Fact]
    public void Given_an_id_the_model_does_not_have_then_verify_exits_2_naming_it_and_the_nearest_id()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("c.txt"), "input->a0.h0<q>\na1.h9->logits\n");
        var run = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "8", "--circuit", folder.File("c.txt"));
        AssertBadInput(run, "a1.h9->logits");
        Assert.Contains("did you mean", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_empty_circuit_then_verify_exits_2()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("c.json"), "[]");
        AssertBadInput(
            CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "8", "--circuit", folder.File("c.json")), "circuit is empty");
    }

    [Theory]
    [InlineData("""{"edges": {"a1.h0->logits": {"feature": {"kind": "vibes"}}}}""", "unknown feature 'vibes'")]
    [InlineData("""{"edges": {"a1.h0->logits": {"feature": {"kind": "token", "position": "S2"}}}}""", "unknown position label 'S2'")]
    public void Given_a_hypothesis_with_an_unknown_feature_or_label_then_verify_exits_2_and_writes_nothing(string hypothesis, string expected)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("h.json"), hypothesis);
        var run = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "8", "--hypothesis", folder.File("h.json"), "--out", folder.File("out"));
        AssertBadInput(run, expected);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Given_merge_with_an_id_list_then_verify_exits_2_before_any_work_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("c.txt"), "a1.h0->logits\n");
        var run = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "8", "--circuit", folder.File("c.txt"), "--merge", "--out", folder.File("out"));
        AssertBadInput(run, "must be a circuit.json");
        Assert.False(Directory.Exists(folder.File("out")));
        Assert.Equal("a1.h0->logits\n", File.ReadAllText(folder.File("c.txt")));
    }

    [Fact]
    public void Given_neither_a_circuit_nor_a_hypothesis_then_verify_exits_2()
    {
        AssertBadInput(CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction"), "--circuit");
    }

    private static void AssertBadInput(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains(expected, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, run.Stdout);
    }
}
