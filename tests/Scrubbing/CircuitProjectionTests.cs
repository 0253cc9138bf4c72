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

    [Fact]
    public void Given_a_qkv_level_circuit_when_projected_to_neuron_level_then_an_MLPs_edge_out_stands_for_all_its_neurons_and_back()
    {
        var shape = new GraphShape(2, 2, 3, false, false);
        var qkv = ComputeGraph.Build(shape, GraphLevel.Qkv);
        var neurons = ComputeGraph.Build(shape, GraphLevel.Neuron);
        var circuit = new Circuit(new[] { "input->a0.h0<q>", "a0.h0->m0", "m0->a1.h1<k>", "m1->logits" }.Select(qkv.ParseEdge));
        var atNeurons = CircuitProjection.Project(circuit, qkv, neurons);
        Assert.Equal(
            new[] { "input->a0.h0<q>", "a0.h0->m0", "m0.n0->a1.h1<k>", "m0.n1->a1.h1<k>", "m0.n2->a1.h1<k>", "m1.n0->logits", "m1.n1->logits", "m1.n2->logits" }.Select(neurons.ParseEdge).ToHashSet(),
            atNeurons.Edges.ToHashSet());
        var oneNeuron = new Circuit([neurons.ParseEdge("m0.n1->a1.h1<k>"), neurons.ParseEdge("a0.h0->m0")]);
        Assert.Equal(new[] { "m0->a1.h1<k>", "a0.h0->m0" }.Select(qkv.ParseEdge).ToHashSet(), CircuitProjection.Project(oneNeuron, neurons, qkv).Edges.ToHashSet());
        Assert.Equal(circuit, CircuitProjection.Project(atNeurons, neurons, qkv));
    }
}
