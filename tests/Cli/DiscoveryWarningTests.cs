using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// No method fails silently: an empty or clearly unfaithful circuit gets one warning line on stderr naming the usual
/// causes (and the same sentence in circuit.json); the hybrid states its screen; verify checks a circuit.json the way it
/// was discovered and says which settings it used.
/// </summary>
public sealed class DiscoveryWarningTests
{
    private const string Model = "zoo:attn-only-2l";

    [Fact]
    public void Given_an_eap_run_with_a_budget_of_one_edge_then_discover_warns_and_names_the_selection()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("--quiet", "discover", "--model", Model, "--task", "induction", "--n", "16", "--method", "eap", "--edges", "1", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var warnings = Lines(run.Stderr).Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("selection is usually too small", warning, StringComparison.Ordinal);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder.File("out"), "circuit.json")));
        Assert.Equal(warning["warning: ".Length..], (string)((JArray)json["warnings"]!)[0]!);
    }

    [Fact]
    public void Given_a_hybrid_forced_to_a_screen_of_one_edge_then_discover_warns_that_the_screen_was_too_small()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of(
            "--quiet", "discover", "--model", Model, "--task", "induction", "--n", "16", "--method", "hybrid", "--threshold", "0.02",
            "--screen", "0.000001", "--screen-min", "1", "--fixed-screen", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var warning = Assert.Single(Lines(run.Stderr), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("screen was too small", warning, StringComparison.Ordinal);
        Assert.Contains("NOT certified", run.Stderr, StringComparison.Ordinal);
        var certificate = JObject.Parse(File.ReadAllText(Path.Combine(folder.File("out"), "circuit.json")))["method"]!["screen_certificate"]!;
        Assert.False((bool)certificate["certified"]!);
        Assert.Equal(1, (int)certificate["screened_edges"]!);
    }

    [Fact]
    public void Given_a_default_hybrid_run_then_the_screen_is_certified_and_no_warning_is_printed()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("--quiet", "discover", "--model", Model, "--task", "induction", "--n", "16", "--method", "hybrid", "--threshold", "0.02", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("warning:", run.Stderr, StringComparison.Ordinal);
        var certificate = JObject.Parse(File.ReadAllText(Path.Combine(folder.File("out"), "circuit.json")))["method"]!["screen_certificate"]!;
        Assert.True((bool)certificate["certified"]!);
        Assert.True((double)certificate["screened_out_damage"]! < 0.02);
    }

    [Theory]
    [InlineData("--screen", "0")]
    [InlineData("--screen", "NaN")]
    [InlineData("--screen", "1.5")]
    [InlineData("--screen-min", "0")]
    public void Given_a_screen_out_of_range_then_discover_exits_2_naming_the_option(string option, string value)
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("--quiet", "discover", "--model", Model, "--task", "induction", "--method", "hybrid", "--threshold", "0.02", option, value, "--out", folder.File("out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any(), "nothing is written");
    }

    [Fact]
    public void Given_an_acdc_circuit_json_then_verify_uses_its_recorded_metric_and_reproduces_discovers_faithfulness()
    {
        using var folder = new TemporaryFolder();
        var discover = CliRun.Of("--quiet", "discover", "--model", Model, "--task", "induction", "--n", "16", "--method", "acdc", "--threshold", "0.02", "--out", folder.File("out"));
        Assert.True(discover.ExitCode == 0, discover.Stderr);
        string circuit = Path.Combine(folder.File("out"), "circuit.json");
        double discovered = (double)JObject.Parse(File.ReadAllText(circuit))["circuit"]!["faithfulness"]!;

        var verify = CliRun.Of("--quiet", "verify", "--model", Model, "--task", "induction", "--n", "16", "--circuit", circuit, "--no-completeness", "--json");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains("metric kl (from circuit.json), ablation resample (from circuit.json), level qkv (from circuit.json), seed 0 (from circuit.json)", verify.Stderr, StringComparison.Ordinal);
        var verification = JObject.Parse(verify.Stdout);
        Assert.Equal(discovered, (double)verification["faithfulness"]!["faithfulness"]!, 6); // the same circuit metric, evaluated in another grouping of variants

        var told = CliRun.Of("--quiet", "verify", "--model", Model, "--task", "induction", "--n", "16", "--circuit", circuit, "--no-completeness", "--metric", "logit-diff", "--json");
        Assert.True(told.ExitCode == 0, told.Stderr);
        Assert.Contains("metric logit-diff (given)", told.Stderr, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));
}
