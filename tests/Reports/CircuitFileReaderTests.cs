using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Reports;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Reports;

public sealed class CircuitFileReaderTests
{
    private static readonly GraphShape Shape = new(2, 2, 0, true, false);

    [Fact]
    public void Given_an_EAP_IG_graph_json_then_in_graph_edges_form_the_circuit_and_scores_are_kept()
    {
        var graph = ComputeGraph.Build(Shape, GraphLevel.Qkv);
        var edges = new JObject();
        foreach (var e in graph.Edges)
        {
            edges[e.Id] = new JObject { ["score"] = graph.IndexOf(e) * 0.5, ["in_graph"] = e.Destination.Kind == NodeKind.Logits };
        }

        var file = ReadJson(new JObject { ["cfg"] = new JObject { ["n_layers"] = 2 }, ["nodes"] = new JObject(), ["edges"] = edges });
        Assert.Equal("eap-ig", file.Format);
        Assert.Equal(GraphLevel.Qkv, file.Graph.Level);
        Assert.Equal(graph.Edges.Where(e => e.Destination.Kind == NodeKind.Logits).ToHashSet(), file.Circuit.Edges.ToHashSet());
        Assert.Equal(graph.Edges.Count, file.Scores!.Count);
        Assert.Equal(0.5 * 3, file.Scores[file.Graph.Edges[3]]);
    }

    [Fact]
    public void Given_node_ids_in_a_list_then_they_stand_for_their_edges_among_the_listed_nodes_input_and_logits()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("c.txt"), "# induction heads\na0.h0\na1.h0   # the induction head\n");
        var file = CircuitFileReader.Read(folder.File("c.txt"), level => ComputeGraph.Build(Shape, level));
        Assert.Equal("list", file.Format);
        Assert.Null(file.Scores);
        // input->a0.h0 (3), input->a1.h0 (3), a0.h0->a1.h0 (3), a0.h0->logits, a1.h0->logits, input->logits
        Assert.Equal(12, file.Circuit.Count);
        Assert.DoesNotContain(file.Circuit.Edges, e => e.Source == Node.Head(0, 1) || e.Destination == Node.Head(1, 1));
    }

    [Theory]
    [InlineData("""["a0.h0->a1.h0", "a1.h0->logits"]""", GraphLevel.Head)]
    [InlineData("""{"edges": ["a0.h0->a1.h0<k>", "a1.h0->logits"]}""", GraphLevel.Qkv)]
    [InlineData("""["a1.h0->logits"]""", GraphLevel.Qkv)]
    public void Given_an_id_list_then_the_level_follows_from_the_ids(string json, GraphLevel level)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("c.json"), json);
        Assert.Equal(level, CircuitFileReader.Read(folder.File("c.json"), l => ComputeGraph.Build(Shape, l)).Graph.Level);
    }

    [Theory]
    [InlineData("""{"schema": "circuitfinder/circuit@9"}""", "unknown schema")]
    [InlineData("""{"edges": {"a0.h0->a1.h0<k>": 3}}""", "is not an object")]
    [InlineData("""[1, 2]""", "[0] is not an id string")]
    [InlineData("""{"edges": [""", "not valid JSON")]
    [InlineData("""["a0.h0->a1.h0<x>"]""", "a0.h0->a1.h0<x>")]
    [InlineData("""{"edges": {"a1.h0->logits": {"score": 1, "in_graph": true}, "a0.h0->logits": {"score": 2""", "not valid JSON")]
    [InlineData("""{"edges": {"a1.h0->logits": {"score": 1}, "a1.h0->logits": {"score": 2}}}""", "'a1.h0->logits' appears twice")]
    [InlineData("""{"edges": {"a1.h0->logits": {"score": "high"}}}""", "field 'score': expected a number")]
    [InlineData("""{"schema": "circuitfinder/circuit@1", "graph": {"level": "qkv", "edges": {"a1.h0->logits": {"score": 1}}}, "graph": {}}""", "field 'graph' appears twice")]
    [InlineData("""{"schema": "circuitfinder/circuit@1", "graph": {"level": "qkv"}}""", "missing field 'graph.edges'")]
    public void Given_a_bad_circuit_file_then_reading_it_fails_naming_the_file_and_the_problem(string json, string expected)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("bad.json"), json);
        var error = Assert.Throws<BadInputException>(() => CircuitFileReader.Read(folder.File("bad.json"), l => ComputeGraph.Build(Shape, l)));
        Assert.Contains("bad.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static CircuitFile ReadJson(JObject json)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("graph.json"), json.ToString());
        return CircuitFileReader.Read(folder.File("graph.json"), level => ComputeGraph.Build(Shape, level));
    }
}
