using CircuitFinder.Graph;
using CircuitFinder.Scrubbing.Inputs;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class CircuitProjectionTests
{
    private static readonly GraphShape Shape = new(2, 2, 0, true, false);

    [Fact]
    public void Given_a_qkv_level_circuit_when_projected_to_head_level_and_back_then_edges_merge_and_expand_by_endpoints()
    {
        var qkv = ComputeGraph.Build(Shape, GraphLevel.Qkv);
        var head = ComputeGraph.Build(Shape, GraphLevel.Head);
        var circuit = new Circuit(new[] { "input->a0.h0<q>", "input->a0.h0<v>", "a0.h0->a1.h0<k>", "a1.h0->logits" }.Select(qkv.ParseEdge));
        var atHead = CircuitProjection.Project(circuit, qkv, head);
        Assert.Equal(new[] { "input->a0.h0", "a0.h0->a1.h0", "a1.h0->logits" }.Select(head.ParseEdge).ToHashSet(), atHead.Edges.ToHashSet());
        var back = CircuitProjection.Project(atHead, head, qkv);
        Assert.Equal(7, back.Count); // two heads' inputs expand to q, k and v
        Assert.True(circuit.Except(back).Count == 0);
    }
}
