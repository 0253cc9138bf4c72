using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Reports;
using CircuitFinder.Reports.Verification;
using CircuitFinder.Scrubbing.Verification;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

/// <summary>
/// Discovery and verification driven through the library services alone (no CLI type: the model is loaded, the task
/// generated and the files written with library calls), compared with what the <c>discover</c> and <c>verify</c>
/// commands write for the same inputs. Only the timings may differ.
/// </summary>
public sealed class LibraryServicesTests
{
    private const string Model = "zoo:planted-induction";

    private static string Hypothesis => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hypotheses", "planted-induction.hypothesis.json");

    [Fact]
    public void Given_the_same_inputs_when_discovery_runs_through_DiscoveryRun_then_circuit_json_equals_the_discover_commands()
    {
        using var folder = new TemporaryFolder();
        var command = Tests.Cli.CliRun.Of(
            "--quiet", "discover", "--model", Model, "--task", "induction", "--n", "16", "--method", "acdc", "--threshold", "0.05",
            "--metric", "logprob", "--ablation", "zero", "--out", folder.Path);
        Assert.True(command.ExitCode == 0, command.Stderr);

        using var loaded = ModelLoader.Load(Model);
        var record = new DiscoveryRun(new DiscoverySettings { Method = "acdc", Threshold = 0.05, Metric = "logprob", Ablation = "zero" })
            .Run(loaded, Induction(loaded, 16));

        Assert.Equal(WithoutTimings(File.ReadAllText(folder.File("circuit.json"))), WithoutTimings(CircuitJson.Write(record).ToString()));
        Assert.Equal(ZooEdges(), record.Circuit.Edges.Select(e => e.Id).ToHashSet());
    }

    [Fact]
    public void Given_a_discovered_circuit_when_verified_through_VerificationRun_then_verification_json_equals_the_verify_commands()
    {
        using var folder = new TemporaryFolder();
        using var loaded = ModelLoader.Load(Model);
        var dataset = Induction(loaded, 24);
        var discovered = new DiscoveryRun(new DiscoverySettings { Method = "eap", TopK = 7 }).Run(loaded, dataset);
        string circuit = folder.File("circuit.json");
        File.WriteAllText(circuit, CircuitJson.Write(discovered).ToString());

        var command = Tests.Cli.CliRun.Of(
            "--quiet", "verify", "--model", Model, "--task", "induction", "--n", "24", "--circuit", circuit, "--truth", circuit,
            "--hypothesis", Hypothesis, "--subsets", "2", "--greedy-steps", "1", "--draws", "2", "--bootstrap", "50", "--out", folder.File("out"));
        Assert.True(command.ExitCode == 0, command.Stderr);

        var graphFor = ModelGraph.Levels(loaded.Model.Config);
        var run = new VerificationRun(new VerificationSettings { RandomSubsets = 2, GreedySteps = 1, Draws = 2, BootstrapSamples = 50 });
        var record = run.Run(loaded, dataset, new VerificationRequest
        {
            Circuit = CircuitFileReader.Read(circuit, graphFor),
            Truth = CircuitFileReader.Read(circuit, graphFor),
            Hypotheses = [Hypothesis],
        });

        Assert.Equal(WithoutTimings(File.ReadAllText(folder.File("out/verification.json"))), WithoutTimings(VerificationJson.Write(record).ToString()));
        Assert.NotNull(record.Curve);
        Assert.NotNull(record.Completeness);
        Assert.Single(record.Scrubbing);
        Assert.Equal(2, record.Truth.Count);
    }

    private static TaskDataset Induction(LoadedModel loaded, int prompts)
    {
        Assert.True(TaskGeneratorCatalog.TryCreate("induction", out var generator));
        return generator!.Generate(prompts, 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
    }

    private static HashSet<string> ZooEdges() => CircuitFinder.Model.Zoo.ZooCatalog.Get("planted-induction").GroundTruthEdges.ToHashSet();

    /// <summary>The report as indented JSON without its timings (the one part that differs between identical runs).</summary>
    private static string WithoutTimings(string json)
    {
        var o = JObject.Parse(json);
        Assert.NotNull(o["timings_seconds"]);
        o.Remove("timings_seconds");
        return o.ToString();
    }
}
