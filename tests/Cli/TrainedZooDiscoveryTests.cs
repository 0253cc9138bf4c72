using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// ACDC on the trained attention-only models with the induction task finds the previous-token head → induction head
/// edge on the key input (K-composition). The heads are the ones the models' training reports name (zoo/*/training.json).
/// </summary>
public sealed class TrainedZooDiscoveryTests
{
    [Theory]
    [InlineData("attn-only-2l", "a0.h1->a1.h2<k>")]
    [InlineData("attn-only-3l", "a0.h3->a1.h2<k>")]
    public void ACDC_on_a_trained_model_keeps_the_previous_token_to_induction_key_edge(string model, string edge)
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("discover", "--model", $"zoo:{model}", "--task", "induction", "--method", "acdc", "--threshold", "0.02", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("circuit.json")));
        Assert.True((bool)json["graph"]!["edges"]![edge]!["in_graph"]!, $"{edge} should be in the circuit");
        Assert.True((double)json["circuit"]!["faithfulness"]! > 0.8, $"faithfulness {json["circuit"]!["faithfulness"]}");
    }
}
