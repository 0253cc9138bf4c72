using CircuitFinder.Graph;
using FsCheck;
using FsCheck.Fluent;

namespace CircuitFinder.Tests.Graph;

/// <summary>Small random graph shapes and circuits for the property tests.</summary>
internal static class GraphGenerators
{
    public static readonly GraphShape Gpt2Small = new(12, 12, 3072, AttnOnly: false, ParallelAttnMlp: false);

    public static Gen<GraphShape> Shapes { get; } =
        from layers in Gen.Choose(1, 4)
        from heads in Gen.Choose(1, 4)
        from dMlp in Gen.Choose(1, 4)
        from attnOnly in Gen.Elements(false, true)
        from parallel in Gen.Elements(false, true)
        select new GraphShape(layers, heads, dMlp, attnOnly, parallel);

    public static Gen<ComputeGraph> Graphs { get; } =
        from shape in Shapes
        from level in Gen.Elements(GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron)
        select ComputeGraph.Build(shape, level);

    /// <summary>A graph with a random subset of its edges.</summary>
    public static Gen<(ComputeGraph Graph, Circuit Circuit)> Circuits { get; } =
        from graph in Graphs
        from edges in Gen.SubListOf(graph.Edges.ToArray())
        select (graph, new Circuit(edges));

    public static Arbitrary<T> Arbitrary<T>(Gen<T> gen) => gen.ToArbitrary();
}
