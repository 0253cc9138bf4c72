using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class HypothesisReaderTests
{
    private static readonly ComputeGraph Graph = ComputeGraph.Build(new GraphShape(2, 2, 0, true, false), GraphLevel.Qkv);

    [Fact]
    public void Given_node_and_edge_features_then_an_edge_takes_its_own_feature_or_else_its_source_nodes()
    {
        var h = Read("""
            {"nodes": {"a1.h0": {"feature": {"kind": "label"}}},
             "edges": {"a1.h0->logits": {}, "input->a1.h0<q>": {"feature": {"kind": "token", "position": "read"}},
                       "input->a1.h0<v>": {"feature": {"kind": "equal", "positions": [1, "first_repeat_start"]}},
                       "input->a1.h0<k>": {"feature": {"kind": "token", "positions": [-1, 3]}}}}
            """);
        Assert.Equal("label", h.Edges[Graph.ParseEdge("a1.h0->logits")].Describe());
        Assert.Equal("token@read", h.Edges[Graph.ParseEdge("input->a1.h0<q>")].Describe());
        Assert.Equal("equal@1=first_repeat_start", h.Edges[Graph.ParseEdge("input->a1.h0<v>")].Describe());
        Assert.Equal("token@-1+3", h.Edges[Graph.ParseEdge("input->a1.h0<k>")].Describe());
    }

    [Theory]
    [InlineData("""{"edges": {"a1.h0->logits": {"feature": {"kind": "colour"}}}}""", "unknown feature 'colour'")]
    [InlineData("""{"edges": {"a1.h0->logits": {"feature": {"kind": "token", "position": "S9"}}}}""", "unknown position label 'S9'")]
    [InlineData("""{"edges": {"a1.h0->logits": {"feature": {"kind": "token", "position": 40}}}}""", "position 40 is outside prompt 0")]
    [InlineData("""{"edges": {"a1.h7->logits": {"feature": {"kind": "label"}}}}""", "a1.h7")]
    [InlineData("""{"edges": {"a1.h0->logits": {}}}""", "has no feature")]
    [InlineData("""{"edges": {}}""", "no edges")]
    [InlineData("""{"edges": {"input->a0.h0<q>": {"feature": {"kind": "anything"}}}}""", "no edge of the hypothesis reaches 'logits'")]
    [InlineData("""{"edges": {"input->a0.h0<q>": {"feature": {"kind": "anything"}}, "a1.h0->logits": {"feature": {"kind": "label"}}}}""", "edges['input->a0.h0<q>'] does not lead to 'logits'")]
    [InlineData("""{"nodes": {"a0.h1": {"feature": {"kind": "label"}}}, "edges": {"a1.h0->logits": {"feature": {"kind": "label"}}}}""", "no edge of the hypothesis touches it")]
    public void Given_a_bad_hypothesis_then_reading_it_fails_naming_the_problem(string json, string expected)
    {
        var error = Assert.Throws<BadInputException>(() => Read(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("hypothesis.json", error.Message, StringComparison.Ordinal);
    }

    private static Hypothesis Read(string json)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("hypothesis.json");
        File.WriteAllText(path, json);
        var dataset = new InductionGenerator().Generate(4, 0, null, 32);
        return HypothesisReader.Read(path, dataset, _ => Graph);
    }
}
