using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class PatchCommandTests
{
    [Fact]
    public void Given_induction_on_attn_only_2l_when_noising_each_heads_output_then_the_previous_token_head_and_the_layer_1_heads_stand_out()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("patch");
        var run = CliRun.Of("patch", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "8", "--what", "head-z", "--denoise", "false", "--out", dir, "--quiet");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [".circuitfinder-output", "patch-head-z.png", "patch.csv", "patch.json"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "patch.json")));
        Assert.Equal("circuitfinder/patch@1", (string?)json["schema"]);
        Assert.Equal([-1.0, 1.0], json["normalized"]!["scale"]!.Select(v => (double)v));
        Assert.Equal("layer", (string?)json["normalized"]!["row_axis"]);
        var map = json["normalized"]!["values"]!.ToObject<double[][]>()!;
        Assert.True(map[0][1] < 0.3, $"L0H1 (previous-token head) should carry the effect: {map[0][1]}");
        var otherLayer0 = new[] { map[0][0], map[0][2], map[0][3] };
        Assert.True(map[1].Max() < otherLayer0.Min(), $"every layer-1 head should matter more than the other layer-0 heads: {string.Join(" | ", map.Select(r => string.Join(", ", r)))}");
    }

    [Fact]
    public void Given_induction_when_patching_resid_pre_by_position_then_columns_carry_token_labels()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("patch");
        var run = CliRun.Of("patch", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "4", "--what", "resid-pre", "--positions", "0,5,20", "--out", dir, "--quiet");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(dir, "patch.json")));
        var columns = json["normalized"]!["columns"]!.Select(c => (string)c!).ToList();
        Assert.Equal(3, columns.Count);
        Assert.Equal("0:<bos>", columns[0]);
        Assert.StartsWith("20:", columns[2]);
        var values = json["normalized"]!["values"]!.ToObject<double[][]>()!;
        Assert.Equal(2, values.Length); // a row per layer
        Assert.True(Math.Abs(values[0][0]) < 1e-4, $"position 0 is BOS in both prompts, so patching it changes nothing: {values[0][0]}");
    }

    [Fact]
    public void Given_planted_ioi_when_path_patching_from_the_S_inhibition_head_then_the_name_movers_query_matters_and_its_value_does_not()
    {
        using var folder = new TemporaryFolder();
        double Path(string receiver)
        {
            string dir = folder.File(receiver.Replace(':', '-'));
            var run = CliRun.Of("patch", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "8", "--sender", "L1H0", "--receivers", receiver, "--out", dir, "--quiet");
            Assert.Equal(0, run.ExitCode);
            return (double)JObject.Parse(File.ReadAllText(System.IO.Path.Combine(dir, "patch.json")))["normalized"]!["values"]![0]![0]!;
        }

        Assert.True(Math.Abs(1 - Path("L2H0:q")) > 0.5, "the S-inhibition head's path to the name mover's query should matter");
        Assert.True(Math.Abs(1 - Path("L2H0:v")) < 0.05, "the S-inhibition head's path to the name mover's value should not matter");
    }

    [Fact]
    public void Given_no_sender_when_path_patching_to_the_logits_then_every_head_gets_a_cell()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("p");
        var run = CliRun.Of("patch", "--model", "zoo:planted-ioi", "--task", "planted-ioi", "--n", "4", "--receivers", "logits", "--out", dir, "--quiet");
        Assert.Equal(0, run.ExitCode);
        var values = JObject.Parse(File.ReadAllText(Path.Combine(dir, "patch.json")))["normalized"]!["values"]!.ToObject<double?[][]>()!;
        Assert.Equal(3, values.Length);
        Assert.All(values, row => Assert.All(row, v => Assert.NotNull(v)));
    }

    [Theory]
    [InlineData(new[] { "--what", "resid-pre", "--positions", "3,99" }, "--positions: position 99 is out of range")]
    [InlineData(new[] { "--what", "resid-pre", "--positions", "x" }, "--positions: 'x' is not a position")]
    [InlineData(new[] { "--what", "mlp-out" }, "attention-only")]
    [InlineData(new[] { "--what", "heads" }, "--what: unknown component 'heads'")]
    [InlineData(new[] { "--receivers", "L1H9:q" }, "--receivers: unknown head 'L1H9'")]
    [InlineData(new[] { "--receivers", "L1H0:x" }, "--receivers: 'L1H0:x' is not a receiver")]
    [InlineData(new[] { "--receivers", "L1H0:q", "--sender", "L7H0" }, "--sender: unknown head 'L7H0'")]
    [InlineData(new[] { "--receivers", "L1H0:q", "--sender", "L1H1" }, "--sender L1H1: a head in layer 1 cannot reach")]
    public void Given_bad_patch_settings_then_exit_2_names_them_and_nothing_is_written(string[] args, string message)
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("p");
        var run = CliRun.Of(["patch", "--model", "zoo:attn-only-2l", "--task", "induction", "--n", "2", .. args, "--out", dir, "--quiet"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }
}
