using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// <c>discover</c> end to end on the newer architectures: the GPT-NeoX and GPT-Neo fixtures (token-level induction
/// task) and, where the real models are present, stories260K on the name-copy task with its own tokenizer.
/// </summary>
public sealed class ArchitectureDiscoverTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pythia-tiny", "eap-ig")]
    [InlineData("gpt-neo-tiny", "eap")]
    public void Discover_runs_on_the_NeoX_and_Neo_fixtures(string fixture, string method)
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("discover", "--model", FixturePaths.Model(fixture), "--task", "induction", "--n", "4", "--method", method,
            "--edges", "20", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("circuit.json")));
        int kept = ((JObject)json["graph"]!["edges"]!).Properties().Count(p => (bool)p.Value["in_graph"]!);
        Assert.Equal((int)json["circuit"]!["edges"]!, kept);
        Assert.InRange(kept, 1, 20);
        Assert.True(double.IsFinite((double)json["circuit"]!["faithfulness"]!));
        Assert.Equal(fixture == "pythia-tiny" ? "huggingface-gpt-neox" : "huggingface-gpt-neo", (string?)json["model"]!["layout"]);
    }

    [SkippableFact]
    public void Discover_finds_a_faithful_name_copying_circuit_in_stories260k()
    {
        var model = RealModels.Require("stories260k-hf");

        using var folder = new TemporaryFolder();
        var run = CliRun.Of("discover", "--model", model, "--task", "name-copy", "--n", "16", "--method", "eap-ig", "--edges", "100",
            "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("circuit.json")));
        double clean = (double)json["baseline"]!["clean"]!, ablated = (double)json["baseline"]!["ablated"]!;
        double faithfulness = (double)json["circuit"]!["faithfulness"]!;
        var heads = ((JObject)json["graph"]!["nodes"]!).Properties()
            .Where(p => (bool)p.Value["in_graph"]! && p.Name.StartsWith('a')).Select(p => p.Name).ToList();
        output.WriteLine($"clean {clean:F3}, ablated {ablated:F3}, faithfulness {faithfulness:F3}, heads {string.Join(" ", heads)}");
        Assert.True(clean > 1 && ablated < -1, $"clean {clean}, ablated {ablated}");
        Assert.True(faithfulness > 0.8, $"faithfulness {faithfulness}");
        Assert.Contains("a2.h6", heads); // the name mover (docs/stories260k.md)
    }
}
