using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class ZooCommandTests
{
    [Fact]
    public void Zoo_list_json_describes_each_model_with_its_ground_truth()
    {
        var run = CliRun.Of("zoo", "list", "--json");
        Assert.Equal(0, run.ExitCode);
        var models = (JArray)JObject.Parse(run.Stdout)["models"]!;
        var planted = models.Single(m => (string?)m["model"] == "zoo:planted-induction");
        Assert.Equal("induction", (string?)planted["task"]);
        Assert.True((bool)planted["has_ground_truth"]!);
        Assert.Contains("a1.h0->logits", planted["ground_truth_edges"]!.Values<string>());
        Assert.True((long)planted["parameter_count"]! > 0);
        Assert.Contains("2 layers x 2 heads", (string?)planted["architecture"]);
    }

    [Fact]
    public void Zoo_list_text_names_each_model()
    {
        var run = CliRun.Of("zoo", "list");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("zoo:planted-induction", run.Stdout);
        Assert.Contains("ground truth  7 edges", run.Stdout);
    }

    [Fact]
    public void Run_accepts_a_zoo_model_and_completes_the_repeated_sequence()
    {
        // BOS, then 5 9 3 7, then 5 9 3: the induction head predicts 7.
        var run = CliRun.Of("run", "--model", "zoo:planted-induction", "--tokens", "0,5,9,3,7,5,9,3", "--top", "3", "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal(7, (int)json["top"]![0]!["token_id"]!);
        Assert.Equal("t7", (string?)json["top"]![0]!["token"]);
        Assert.True((double)json["top"]![0]!["prob"]! > 0.99);
    }

    [Fact]
    public void Run_with_a_prompt_on_the_planted_ioi_model_names_the_indirect_object()
    {
        var run = CliRun.Of("run", "--model", "zoo:planted-ioi", "--prompt", "Mary and John went to the store , John gave a drink to", "--top", "2", "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal(14, ((JArray)json["tokens"]!).Count);
        Assert.Equal("Mary", (string?)json["top"]![0]!["token"]);
    }

    [Fact]
    public void Given_an_unknown_zoo_model_then_run_exits_2_listing_the_known_ones()
    {
        var run = CliRun.Of("run", "--model", "zoo:nope", "--tokens", "0,1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("zoo:planted-induction", run.Stderr);
    }

    [Fact]
    public void Zoo_truth_writes_the_planted_edges_and_refuses_models_without_ground_truth()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("zoo", "truth", "planted-ioi", "--out", folder.File("truth.json"));
        Assert.Equal(0, run.ExitCode);
        var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(folder.File("truth.json")));
        Assert.Equal(CircuitFinder.Model.Zoo.ZooCatalog.Get("planted-ioi").GroundTruthEdges, json["edges"]!.Values<string>().Select(e => e!).ToList());
        Assert.Equal("planted-ioi", (string?)json["task"]);
        var refused = CliRun.Of("zoo", "truth", "attn-only-2l");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("no known ground-truth", refused.Stderr);
    }
}
