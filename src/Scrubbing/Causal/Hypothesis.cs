using CircuitFinder.Graph;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// A causal-scrubbing hypothesis (Chan et al. 2022): a circuit (edges of <see cref="Graph"/>) and, for each of its
/// edges, the feature of the input that the edge's source output, as the destination reads it, is claimed to depend
/// on. Edges into a node that the hypothesis leaves out carry activations from random prompts.
/// </summary>
public sealed record Hypothesis(string Name, ComputeGraph Graph, IReadOnlyDictionary<Edge, InputFeature> Edges)
{
    /// <summary>The hypothesis' edges into <paramref name="destination"/>, in graph order.</summary>
    public IReadOnlyList<(Edge Edge, InputFeature Feature)> Incoming(Node destination) =>
        Graph.IncomingEdges(destination).Where(Edges.ContainsKey).Select(e => (e, Edges[e])).ToList();

    public Circuit Circuit => new(Edges.Keys);
}
