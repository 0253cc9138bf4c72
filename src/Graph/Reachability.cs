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
    /// Nodes reachable from <c>input</c> that also reach <c>logits</c> through <paramref name="edges"/> of
    /// <paramref name="graph"/> (a neuron is reached through its MLP's input, <c>m{l}</c> → <c>m{l}.n{i}</c>). The
    /// search runs over node indices with value-type edges: a neuron-level circuit can hold millions of edges.
    /// </summary>
    public static HashSet<Node> OnInputToLogitsPaths(ComputeGraph graph, IReadOnlyCollection<Edge> edges)
    {
        var quik = new BidirectionalGraph<int, SEquatableEdge<int>>(allowParallelEdges: true);
        quik.AddVertexRange(Enumerable.Range(0, graph.Nodes.Count));
        var neurons = new HashSet<Node>();
        foreach (var edge in edges)
        {
            quik.AddEdge(new SEquatableEdge<int>(graph.IndexOf(edge.Source), graph.IndexOf(edge.Destination)));
            if (edge.Source.Kind == NodeKind.Neuron)
            {
                neurons.Add(edge.Source);
            }
        }

        // at neuron level the MLP m{l} (a destination) feeds its neurons (sources) inside the model, not by an edge
        foreach (var neuron in neurons)
        {
            quik.AddEdge(new SEquatableEdge<int>(graph.IndexOf(Node.Mlp(neuron.Layer)), graph.IndexOf(neuron)));
        }

        var fromInput = Reached(quik, graph.IndexOf(Node.Input));
        fromInput.IntersectWith(Reached(new ReversedBidirectionalGraph<int, SEquatableEdge<int>>(quik), graph.IndexOf(Node.Logits)));
        return fromInput.Select(i => graph.Nodes[i]).ToHashSet();
    }

    private static HashSet<int> Reached<TEdge>(IVertexListGraph<int, TEdge> graph, int root)
        where TEdge : IEdge<int>
    {
        var reached = new HashSet<int>();
        var search = new DepthFirstSearchAlgorithm<int, TEdge>(graph) { ProcessAllComponents = false };
        search.DiscoverVertex += v => reached.Add(v);
        search.Compute(root);
        return reached;
    }
}
