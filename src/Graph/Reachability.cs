using QuikGraph;
using QuikGraph.Algorithms.Search;

namespace CircuitFinder.Graph;

/// <summary>Which nodes lie on a path from <c>input</c> to <c>logits</c>, by QuikGraph depth-first search.</summary>
internal static class Reachability
{
    public static BidirectionalGraph<Node, TaggedEdge<Node, Edge>> ToQuikGraph(
        IEnumerable<Node> vertices, IEnumerable<Edge> edges)
    {
        var graph = new BidirectionalGraph<Node, TaggedEdge<Node, Edge>>(allowParallelEdges: true);
        graph.AddVertexRange(vertices);
        graph.AddVerticesAndEdgeRange(edges.Select(e => new TaggedEdge<Node, Edge>(e.Source, e.Destination, e)));
        return graph;
    }

    /// <summary>
    /// Nodes reachable from <c>input</c> that also reach <c>logits</c> through <paramref name="edges"/> (a neuron is
    /// reached through its MLP's input, <c>m{l}</c> → <c>m{l}.n{i}</c>).
    /// </summary>
    public static HashSet<Node> OnInputToLogitsPaths(IEnumerable<Edge> edges)
    {
        var list = edges as IReadOnlyCollection<Edge> ?? edges.ToList();
        var graph = ToQuikGraph([Node.Input, Node.Logits], list);
        // at neuron level the MLP m{l} (a destination) feeds its neurons (sources) inside the model, not by an edge
        foreach (var neuron in list.Select(e => e.Source).Where(n => n.Kind == NodeKind.Neuron).Distinct().ToList())
        {
            graph.AddVerticesAndEdge(new TaggedEdge<Node, Edge>(Node.Mlp(neuron.Layer), neuron, null!));
        }

        var fromInput = Reached(graph, Node.Input);
        var toLogits = Reached(new ReversedBidirectionalGraph<Node, TaggedEdge<Node, Edge>>(graph), Node.Logits);
        fromInput.IntersectWith(toLogits);
        return fromInput;
    }

    private static HashSet<Node> Reached<TEdge>(IVertexListGraph<Node, TEdge> graph, Node root)
        where TEdge : IEdge<Node>
    {
        var reached = new HashSet<Node>();
        var search = new DepthFirstSearchAlgorithm<Node, TEdge>(graph) { ProcessAllComponents = false };
        search.DiscoverVertex += v => reached.Add(v);
        search.Compute(root);
        return reached;
    }
}
