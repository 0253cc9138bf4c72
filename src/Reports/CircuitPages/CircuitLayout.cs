using CircuitFinder.Graph;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// Where <c>circuit.html</c> draws each node, from the parsed <see cref="Node"/> (never from its id): a row per stage of
/// the residual stream, <c>input</c> in row 0 at the bottom, each layer's heads in one row and, for models with MLPs, its
/// MLP in the row above (at neuron level its neurons in one more row above that), <c>logits</c> in the top row; across,
/// heads and neurons by index, in
/// (0, 1), and <c>input</c>, MLPs and <c>logits</c> in the middle.
/// </summary>
public static class CircuitLayout
{
    /// <summary>The row and horizontal position (0..1) of every node of <paramref name="graph"/>, and the number of rows.</summary>
    public static (IReadOnlyDictionary<Node, (int Row, double X)> Places, int Rows) Of(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var shape = graph.Shape;
        bool neurons = graph.Level == GraphLevel.Neuron && !shape.AttnOnly;
        int perLayer = shape.AttnOnly ? 1 : neurons ? 3 : 2; // at neuron level the MLP's input, then its neurons above
        int rows = 2 + (perLayer * shape.NLayers);
        var places = new Dictionary<Node, (int Row, double X)>();
        foreach (var node in graph.Nodes)
        {
            places[node] = node.Kind switch
            {
                NodeKind.Input => (0, 0.5),
                NodeKind.AttentionHead => (1 + (perLayer * node.Layer), (node.Index + 0.5) / shape.NHeads),
                NodeKind.Mlp => (2 + (perLayer * node.Layer), 0.5),
                NodeKind.Neuron => (3 + (perLayer * node.Layer), (node.Index + 0.5) / Math.Max(1, shape.DMlp)),
                _ => (rows - 1, 0.5),
            };
        }

        return (places, rows);
    }
}
