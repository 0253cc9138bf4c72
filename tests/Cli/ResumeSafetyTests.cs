using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// <c>discover --resume</c> never loses work: a checkpoint of another run, or one left without <c>--resume</c>, is refused
/// (exit 2, naming what differs) and kept unless <c>--restart</c> is given; crafted checkpoints are refused naming the
/// field; a temporary file a kill left beside the checkpoint is gone after the resumed run.
/// </summary>
public sealed class ResumeSafetyTests
{
    private const string Checkpoint = "acdc-checkpoint.json";

    private static readonly string[] Arguments =
    [
        "discover", "--model", "zoo:planted-induction", "--task", "induction", "--n", "8", "--method", "acdc",
        "--threshold", "0.01", "--level", "head", "--quiet",
    ];

    [Fact]
    public void Given_a_checkpoint_of_another_run_when_resuming_then_exit_2_names_what_differs_and_the_checkpoint_stays()
    {
        using var folder = new TemporaryFolder();
        string text = WriteCheckpoint(folder.Path, Fingerprint("--threshold", "0.5"), nextIndex: 1);
        var run = CliRun.Of([.. Arguments, "--out", folder.Path, "--resume"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("a checkpoint of another run (threshold: checkpoint 0.5, this run 0.01)", run.Stderr);
        Assert.Contains("--restart", run.Stderr);
        Assert.Equal(text, File.ReadAllText(Path.Combine(folder.Path, Checkpoint)));
    }

    [Fact]
    public void Given_a_checkpoint_when_run_without_resume_then_exit_2_and_with_restart_the_fresh_circuit()
    {
        using var folder = new TemporaryFolder();
        using var fresh = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of([.. Arguments, "--out", fresh.Path]).ExitCode);
        WriteCheckpoint(folder.Path, Fingerprint("--level", "qkv"), nextIndex: 1);
        var refused = CliRun.Of([.. Arguments, "--out", folder.Path]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("give --resume to continue it or --restart to discard it", refused.Stderr);
        Assert.True(File.Exists(Path.Combine(folder.Path, Checkpoint)));

        var restarted = CliRun.Of([.. Arguments, "--out", folder.Path, "--restart"]);
        Assert.True(restarted.ExitCode == 0, restarted.Stderr);
        Assert.True(JToken.DeepEquals(Report(fresh.Path), Report(folder.Path)));
        Assert.False(File.Exists(Path.Combine(folder.Path, Checkpoint)));
    }

    [Theory]
    [InlineData("next_index", "-1", "'next_index' is -1, negative")]
    [InlineData("next_index", "1000000", "'next_index' is 1000000, past the")]
    [InlineData("current", "\"NaN\"", "'current' is NaN, not a finite metric")]
    [InlineData("ablated", "[\"a9.h9->logits\"]", "field 'ablated': 'a9.h9->logits'")]
    [InlineData("scores", "{\"a0.h0->a7.h0<q>\": \"0.5\"}", "field 'scores': 'a0.h0->a7.h0<q>'")]
    public void Given_a_crafted_checkpoint_when_resuming_then_exit_2_names_the_field(string field, string value, string message)
    {
        using var folder = new TemporaryFolder();
        var json = JObject.Parse(WriteCheckpoint(folder.Path, Fingerprint(), nextIndex: 1));
        json[field] = JToken.Parse(value);
        File.WriteAllText(Path.Combine(folder.Path, Checkpoint), json.ToString());
        var run = CliRun.Of([.. Arguments, "--out", folder.Path, "--resume"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.True(File.Exists(Path.Combine(folder.Path, Checkpoint)));
    }

    [Fact]
    public void Given_a_temporary_file_a_kill_left_beside_the_checkpoint_when_resumed_then_no_tmp_file_remains()
    {
        using var parent = new TemporaryFolder();
        string folder = parent.File("out");
        Directory.CreateDirectory(folder);
        WriteCheckpoint(folder, Fingerprint(), nextIndex: 0);
        string leftover = Path.Combine(folder, $".{Checkpoint}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(leftover, "{\"format\":"); // a write the kill interrupted
        var run = CliRun.Of([.. Arguments, "--out", folder, "--resume"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(parent.Path).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(folder, "circuit.json")));
    }

    /// <summary>The fingerprint discover gives <see cref="Arguments"/> with <paramref name="changes"/> (option, value pairs) applied.</summary>
    private static string Fingerprint(params string[] changes)
    {
        var settings = new DiscoverySettings { Method = "acdc", Threshold = 0.01, Level = CircuitFinder.Graph.GraphLevel.Head };
        for (int i = 0; i < changes.Length; i += 2)
        {
            settings = changes[i] switch
            {
                "--threshold" => settings with { Threshold = double.Parse(changes[i + 1], System.Globalization.CultureInfo.InvariantCulture) },
                "--level" => settings with { Level = CircuitFinder.Graph.GraphLevels.Parse(changes[i + 1])!.Value },
                _ => throw new ArgumentException(changes[i]),
            };
        }

        using var loaded = ModelLoader.Load("zoo:planted-induction");
        var dataset = TaskGeneratorCatalog.TryCreate("induction", out var generator)
            ? generator!.Generate(8, 0, loaded.Tokenizer, loaded.Model.Config.DVocab)
            : throw new InvalidOperationException("no induction generator");
        return new DiscoveryRun(settings).Fingerprint(loaded, dataset);
    }

    /// <summary>Writes a checkpoint (and the output marker discover writes beside it) into <paramref name="folder"/>; returns its text.</summary>
    private static string WriteCheckpoint(string folder, string fingerprint, int nextIndex)
    {
        File.WriteAllText(
            Path.Combine(folder, ".circuitfinder-output"),
            """{"format": "circuitfinder/output@1", "command": "discover", "files": ["acdc-checkpoint.json"]}""");
        string text = new JObject
        {
            ["format"] = AcdcCheckpoint.Format,
            ["fingerprint"] = fingerprint,
            ["next_index"] = nextIndex,
            ["tests"] = nextIndex,
            ["current"] = "0",
            ["ablated"] = new JArray(),
            ["scores"] = new JObject(),
        }.ToString();
        File.WriteAllText(Path.Combine(folder, Checkpoint), text);
        return text;
    }

    private static JObject Report(string folder)
    {
        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "circuit.json")));
        json.Remove("timings_seconds");
        return json;
    }
}
