namespace CircuitFinder.Graph;

/// <summary>
/// Finds the valid id nearest to a rejected one: a node that parses is first moved into range (<c>a2.h7</c> on a
/// four-head model becomes <c>a2.h3</c>); otherwise the nearest id by edit distance wins, ties going to graph order.
/// </summary>
internal static class IdSuggestions
{
    /// <summary>Above this many edges, an unparseable edge id is not compared with every edge id.</summary>
    private const int MaxEdgesToScan = 200_000;

    public static Node? NearestNode(ComputeGraph graph, string id)
    {
        if (GraphIds.TryParseNode(id, out var parsed, out _) && Clamp(graph, parsed) is { } clamped)
        {
            return clamped;
        }

        return Suggest.Nearest(id, graph.Nodes, n => n.Id);
    }

    public static Edge? NearestEdge(ComputeGraph graph, string id)
    {
        int at = id.LastIndexOf('@');
        string? label = at >= 0 ? id[(at + 1)..] : null;
        var unplaced = NearestUnplaced(graph, at >= 0 ? id[..at] : id);
        if (unplaced is null || graph.Positions is not { } positions)
        {
            return unplaced?.AllPositions;
        }

        string nearest = positions.IndexOf(label) >= 0 ? label!
            : label is null ? positions.Labels[^1]
            : Suggest.Nearest(label, positions.Labels, l => l) ?? positions.Labels[^1];
        return new Edge(unplaced.Source, unplaced.Destination, unplaced.Input, nearest);
    }

    /// <summary>The nearest edge to <paramref name="id"/> (without a position) among the graph's edges, ignoring positions.</summary>
    private static Edge? NearestUnplaced(ComputeGraph graph, string id)
    {
        int arrow = id.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0)
        {
            return graph.Edges.Count <= MaxEdgesToScan ? Suggest.Nearest(id, graph.Edges.Select(e => e.AllPositions), e => e.Id) : null;
        }

        string rest = id[(arrow + 2)..];
        int open = rest.IndexOf('<', StringComparison.Ordinal);
        string tag = open < 0 ? string.Empty : rest[open..];
        var source = NearestNode(graph, id[..arrow]);
        var destination = NearestNode(graph, open < 0 ? rest : rest[..open]);
        if (source is null || destination is null)
        {
            return null;
        }

        if (source.Kind != NodeKind.Logits && destination.Kind != NodeKind.Input)
        {
            var candidate = new Edge(source, destination, InputFor(graph, destination, tag));
            if (graph.Contains(candidate) || (graph.Positions is { } positions && graph.Contains(candidate with { Position = positions.Labels[0] })))
            {
                return candidate;
            }
        }

        var nearby = graph.IncomingEdges(destination).Concat(graph.OutgoingEdges(source)).Select(e => e.AllPositions);
        return Suggest.Nearest(id, nearby, e => e.Id);
    }

    private static QkvInput? InputFor(ComputeGraph graph, Node destination, string tag)
    {
        if (!destination.IsHead || graph.Level == GraphLevel.Head)
        {
            return null;
        }

        return tag switch
        {
            "<k>" => QkvInput.K,
            "<v>" => QkvInput.V,
            _ => QkvInput.Q,
        };
    }

    private static Node? Clamp(ComputeGraph graph, Node node)
    {
        var shape = graph.Shape;
        int layer = Math.Clamp(node.Layer, 0, shape.NLayers - 1);
        Node? moved = node.Kind switch
        {
            NodeKind.AttentionHead => Node.Head(layer, Math.Min(node.Index, shape.NHeads - 1)),
            NodeKind.Mlp or NodeKind.Neuron when shape.AttnOnly => null,
            NodeKind.Neuron when graph.Level != GraphLevel.Neuron => Node.Mlp(layer),
            NodeKind.Neuron => Node.Neuron(layer, Math.Min(node.Index, shape.DMlp - 1)),
            NodeKind.Mlp => Node.Mlp(layer),
            _ => node,
        };
        return moved is not null && graph.Contains(moved) ? moved : null;
    }
}
