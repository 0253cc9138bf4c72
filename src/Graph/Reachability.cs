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

    /// <summary>Nodes reachable from <c>input</c> that also reach <c>logits</c> through <paramref name="edges"/>.</summary>
    public static HashSet<Node> OnInputToLogitsPaths(IEnumerable<Edge> edges)
    {
        var graph = ToQuikGraph([Node.Input, Node.Logits], edges);
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
