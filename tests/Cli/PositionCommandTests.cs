using Newtonsoft.Json.Linq;
using NJsonSchema;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// Positional and neuron-level circuits end to end: <c>discover --positions labels</c> writes positional ids into
/// circuit.json (schema-valid), circuit.dot and the EAP-IG export, and <c>verify</c> reads each of them back; bad
/// positions are exit code 2 naming the option or the nearest valid edge, with nothing left behind; EAP-IG at neuron
/// level runs and its circuit verifies.
/// </summary>
public sealed class PositionCommandTests
{
    [Fact]
    public async Task Given_positions_by_label_when_discovered_exported_and_verified_then_every_format_carries_the_positional_ids()
    {
        using var folder = new TemporaryFolder();
        var discover = CliRun.Of("--quiet", "discover", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "16", "--method", "acdc", "--threshold", "0.05",
            "--metric", "logit-diff", "--positions", "labels", "--out", folder.File("run"));
        Assert.True(discover.ExitCode == 0, discover.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("run/circuit.json")));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "docs", "circuit.schema.json"));
        Assert.Empty(schema.Validate(json.ToString()));
        Assert.Equal("labels", (string?)json["graph"]!["positions"]!["mode"]);
        Assert.Equal("labels", (string?)json["method"]!["parameters"]!["positions"]);
        Assert.True((bool)json["graph"]!["edges"]!["a1.h0->a2.h0<q>@end"]!["in_graph"]!);
        Assert.Contains("q@end", File.ReadAllText(folder.File("run/circuit.dot")), StringComparison.Ordinal);

        var export = CliRun.Of("export", folder.File("run/circuit.json"), "--out", folder.File("eap-ig.json"));
        Assert.True(export.ExitCode == 0, export.Stderr);
        var exported = JObject.Parse(File.ReadAllText(folder.File("eap-ig.json")));
        Assert.True((bool)exported["edges"]!["a0.h0->a1.h0<k>@S2"]!["in_graph"]!);

        foreach (var circuit in new[] { folder.File("run/circuit.json"), folder.File("eap-ig.json") })
        {
            var verify = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "16", "--circuit", circuit, "--metric", "logit-diff", "--no-completeness", "--json");
            Assert.True(verify.ExitCode == 0, verify.Stderr);
            Assert.True((double)JObject.Parse(verify.Stdout)["faithfulness"]!["faithfulness"]! >= 0.95, verify.Stdout);
        }
    }

    [Fact]
    public void A_list_naming_an_unknown_position_label_is_exit_code_2_naming_the_nearest_valid_edge_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("circuit.txt"), "a1.h0->a2.h0<q>@ends\n");
        var run = CliRun.Of("verify", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "4", "--circuit", folder.File("circuit.txt"), "--no-completeness", "--out", folder.File("out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'ends'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("did you mean 'a1.h0->a2.h0<q>@end'", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any(), "files were left behind");
    }

    [Fact]
    public void Positions_by_label_on_a_task_without_word_labels_is_exit_code_2_naming_the_option()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("task.json"), """{"prompts": [{"clean": [0, 1, 9, 2], "corrupt": [0, 3, 9, 4], "answers": [1], "wrong_answers": [2]}]}""");
        var run = CliRun.Of("discover", "--model", "zoo:planted-ioi", "--task", folder.File("task.json"), "--method", "eap", "--edges", "3", "--positions", "labels", "--out", folder.File("out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--positions labels", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any(), "files were left behind");
    }

    [Fact]
    public void EAP_IG_at_neuron_level_writes_neuron_ids_that_verify_reads_and_causal_scrubbing_refuses_the_neuron_level_by_name()
    {
        using var folder = new TemporaryFolder();
        var discover = CliRun.Of("--quiet", "discover", "--model", "zoo:planted-ioi-mlp", "--task", "planted-ioi", "--n", "8", "--method", "eap-ig", "--edges", "19",
            "--ablation", "zero", "--metric", "logit-diff", "--level", "neuron", "--out", folder.File("run"));
        Assert.True(discover.ExitCode == 0, discover.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("run/circuit.json")));
        Assert.True((bool)json["graph"]!["edges"]!["m2.n3->logits"]!["in_graph"]!);
        Assert.True((bool)json["graph"]!["edges"]!["a2.h0->m2"]!["in_graph"]!);
        string dot = File.ReadAllText(folder.File("run/circuit.dot"));
        Assert.Contains("\"m2\" -> \"m2.n3\" [style=dotted", dot, StringComparison.Ordinal); // the MLP's input feeds its neurons
        Assert.Contains("\"a2.h0\" -> \"m2\"", dot, StringComparison.Ordinal);
        var verify = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-ioi-mlp", "--task", "planted-ioi", "--n", "8", "--circuit", folder.File("run/circuit.json"), "--no-completeness", "--json");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.True((double)JObject.Parse(verify.Stdout)["faithfulness"]!["faithfulness"]! >= 0.95, verify.Stdout);

        File.WriteAllText(folder.File("h.json"), """{"name": "neurons", "level": "neuron", "edges": ["m2.n0->logits"]}""");
        var scrub = CliRun.Of("verify", "--model", "zoo:planted-ioi-mlp", "--task", "planted-ioi", "--n", "8", "--hypothesis", folder.File("h.json"), "--out", folder.File("out"));
        Assert.Equal(2, scrub.ExitCode);
        Assert.Contains("neuron", scrub.Stderr, StringComparison.Ordinal);

        File.WriteAllText(folder.File("p.json"), """{"name": "positions", "edges": ["a1.h0->a2.h0<q>@end"]}""");
        var positional = CliRun.Of("verify", "--model", "zoo:planted-ioi-mlp", "--task", "planted-ioi", "--n", "8", "--hypothesis", folder.File("p.json"), "--out", folder.File("out"));
        Assert.Equal(2, positional.ExitCode);
        Assert.Contains("without positions", positional.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")) && Directory.EnumerateFileSystemEntries(folder.File("out")).Any(), "files were left behind");
    }
}
