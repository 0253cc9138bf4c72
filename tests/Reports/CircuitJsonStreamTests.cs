using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Reports;
using CircuitFinder.Tasks;
using Xunit;

namespace CircuitFinder.Tests.Reports;

/// <summary>
/// circuit.json is written one node and edge at a time and read with its edges streamed (a GPT-2-small-sized
/// neuron-level graph has 7.6 million edges): the streamed file is the same text as the whole JSON object's, and
/// reading it back gives the same circuit and scores.
/// </summary>
public sealed class CircuitJsonStreamTests
{
    [Fact]
    public void A_neuron_level_circuit_json_written_as_a_stream_is_the_whole_objects_text_and_reads_back_the_same_circuit_and_scores()
    {
        using var loaded = ModelLoader.Load("zoo:planted-ioi-mlp");
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        var dataset = generator!.Generate(8, seed: 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        var record = new DiscoveryRun(new DiscoverySettings { Method = "eap", TopK = 19, Ablation = "zero", Metric = "logit-diff", Level = GraphLevel.Neuron }).Run(loaded, dataset);
        using var folder = new TemporaryFolder();
        string path = folder.File("circuit.json");
        CircuitJson.WriteFile(path, record);

        Assert.Equal(JsonFiles.Format(CircuitJson.Write(record)) + "\n", File.ReadAllText(path));
        var file = CircuitFileReader.Read(path, ModelGraph.Levels(loaded.Model.Config));
        Assert.Equal(GraphLevel.Neuron, file.Graph.Level);
        Assert.Equal(record.Circuit.Edges.ToHashSet(), file.Circuit.Edges.ToHashSet());
        Assert.Equal(record.Graph.Edges.Count, file.Scores!.Count);
        Assert.All(record.Graph.Edges, e => Assert.Equal(record.Scores[e], file.Scores[e]));
        Assert.Contains(file.Circuit.Edges, e => e.Source.Kind == NodeKind.Neuron);
    }
}
