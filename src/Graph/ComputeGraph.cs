using System.Collections.ObjectModel;
using QuikGraph;

namespace CircuitFinder.Graph;

/// <summary>
/// The computational graph of a model shape at one <see cref="GraphLevel"/> (DESIGN.md, "Graph"). <c>input</c> feeds
/// every destination; a source in layer l feeds every destination in a later layer and <c>logits</c>; an MLP also
/// reads the heads of its own layer, unless attention and MLP run in parallel. Nodes of one kind in the same layer
/// never feed each other. At neuron level the MLP <c>m{l}</c> is a destination only and its neurons <c>m{l}.n{i}</c>
/// are sources only: each neuron writes to every later destination, and the MLP's input feeds all its neurons. A positional graph (<see cref="Positions"/>) holds each of these edges once
/// per position group, <c>@label</c> in its id, the groups innermost in <see cref="Edges"/>. Immutable once built.
/// </summary>
public sealed class ComputeGraph
{
    private static readonly QkvInput?[] HeadLevelInputs = [null];
    private static readonly QkvInput?[] QkvInputs = [QkvInput.Q, QkvInput.K, QkvInput.V];

    private readonly Dictionary<Node, int> _nodeIndex;
    private readonly Dictionary<Edge, int> _edgeIndex;
    private readonly IReadOnlyList<Edge>[] _incoming;
    private readonly IReadOnlyList<Edge>[] _outgoing;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyList<Edge>> _mlpOutputs = new(); // neuron level, per layer

    private ComputeGraph(GraphShape shape, GraphLevel level, GraphPositions? positions, Node[] nodes, Edge[] edges, int[] incomingStart)
    {
        Shape = shape;
        Level = level;
        Positions = positions;
        Nodes = Array.AsReadOnly(nodes);
        Edges = Array.AsReadOnly(edges);
        _nodeIndex = new Dictionary<Node, int>(nodes.Length);
        for (int i = 0; i < nodes.Length; i++)
        {
            _nodeIndex.Add(nodes[i], i);
        }

        _edgeIndex = new Dictionary<Edge, int>(edges.Length);
        var outgoing = new List<Edge>[nodes.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            outgoing[i] = [];
        }

        for (int i = 0; i < edges.Length; i++)
        {
            _edgeIndex.Add(edges[i], i);
            outgoing[_nodeIndex[edges[i].Source]].Add(edges[i]);
        }

        _incoming = new IReadOnlyList<Edge>[nodes.Length];
        _outgoing = new IReadOnlyList<Edge>[nodes.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            var slice = new ArraySegment<Edge>(edges, incomingStart[i], incomingStart[i + 1] - incomingStart[i]);
            _incoming[i] = new ReadOnlyCollection<Edge>(slice);
            _outgoing[i] = outgoing[i].AsReadOnly();
        }

        Sources = Array.AsReadOnly(nodes.Where((_, i) => _outgoing[i].Count > 0).ToArray());
        Destinations = Array.AsReadOnly(nodes.Where((_, i) => _incoming[i].Count > 0).ToArray());
    }

    /// <summary>The model shape the graph was built from.</summary>
    public GraphShape Shape { get; }

    /// <summary>How finely the model is cut.</summary>
    public GraphLevel Level { get; }

    /// <summary>The position groups edges are split by, or null when edges span all positions.</summary>
    public GraphPositions? Positions { get; }

    /// <summary>How edges are split by position (<see cref="PositionMode.None"/> without <see cref="Positions"/>).</summary>
    public PositionMode PositionMode => Positions?.Mode ?? PositionMode.None;

    /// <summary>
    /// Nodes in topological order: <c>input</c>; for each layer its heads, then its MLP (at neuron level followed by its
    /// neurons); <c>logits</c>.
    /// </summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Edges ordered by destination (in <see cref="Nodes"/> order), then q, k, v input, then source.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    /// <summary>Nodes with outgoing edges (input, heads, MLPs or, at neuron level, neurons), in <see cref="Nodes"/> order.</summary>
    public IReadOnlyList<Node> Sources { get; }

    /// <summary>Nodes with incoming edges (heads, MLPs, logits), in <see cref="Nodes"/> order.</summary>
    public IReadOnlyList<Node> Destinations { get; }

    /// <summary>Builds the graph of <paramref name="shape"/> at <paramref name="level"/>.</summary>
    public static ComputeGraph Build(GraphShape shape, GraphLevel level) => Build(shape, level, null);

    /// <summary>
    /// Builds the graph of <paramref name="shape"/> at <paramref name="level"/>, each edge split by the destination's
    /// position groups <paramref name="positions"/> (null: not split).
    /// </summary>
    public static ComputeGraph Build(GraphShape shape, GraphLevel level, GraphPositions? positions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a graph level.");
        }

        // at neuron level an MLP is two kinds of node: m{l} reads the stream (a destination only) and its neurons
        // m{l}.n{i} write to it (sources only), so a neuron feeds later destinations but no edge ends at a neuron
        var nodes = new List<Node> { Node.Input };
        var sources = new List<Node> { Node.Input };
        var sourcesBefore = new List<int> { 0 }; // per node: how many of `sources` (a prefix) feed it
        bool neuronLevel = level == GraphLevel.Neuron;
        for (int layer = 0; layer < shape.NLayers; layer++)
        {
            int layerStart = sources.Count;
            for (int head = 0; head < shape.NHeads; head++)
            {
                nodes.Add(Node.Head(layer, head));
                sources.Add(Node.Head(layer, head));
                sourcesBefore.Add(layerStart);
            }

            if (shape.AttnOnly)
            {
                continue;
            }

            nodes.Add(Node.Mlp(layer));
            sourcesBefore.Add(shape.ParallelAttnMlp ? layerStart : sources.Count);
            for (int i = 0; neuronLevel && i < shape.DMlp; i++)
            {
                nodes.Add(Node.Neuron(layer, i));
                sourcesBefore.Add(0);
            }

            sources.AddRange(neuronLevel ? nodes.Skip(nodes.Count - shape.DMlp) : [Node.Mlp(layer)]);
        }

        nodes.Add(Node.Logits);
        sourcesBefore.Add(sources.Count);

        var edges = new List<Edge>();
        var incomingStart = new int[nodes.Count + 1];
        for (int d = 0; d < nodes.Count; d++)
        {
            incomingStart[d] = edges.Count;
            var destination = nodes[d];
            var inputs = destination.IsHead && level != GraphLevel.Head ? QkvInputs : HeadLevelInputs;
            foreach (var input in inputs)
            {
                for (int s = 0; s < sourcesBefore[d]; s++)
                {
                    if (positions is null)
                    {
                        edges.Add(new Edge(sources[s], destination, input));
                        continue;
                    }

                    foreach (var label in positions.Labels)
                    {
                        edges.Add(new Edge(sources[s], destination, input, label));
                    }
                }
            }
        }

        incomingStart[nodes.Count] = edges.Count;
        return new ComputeGraph(shape, level, positions, [.. nodes], [.. edges], incomingStart);
    }

    /// <summary>
    /// How many edges <see cref="Build(GraphShape, GraphLevel, GraphPositions?)"/> would make, without making them (a
    /// GPT-2-small-shaped model has 7,568,725 at neuron level, 121 million with an edge per position of 16 tokens).
    /// </summary>
    public static long EdgeCount(GraphShape shape, GraphLevel level, int positionGroups = 1)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long heads = shape.NHeads, writers = shape.AttnOnly ? 0 : level == GraphLevel.Neuron ? shape.DMlp : 1;
        long readers = shape.AttnOnly ? 0 : 1, inputs = level == GraphLevel.Head ? 1 : 3, edges = 0;
        for (long l = 0; l < shape.NLayers; l++)
        {
            long before = 1 + (l * (heads + writers)); // input and every source of the layers below
            edges += inputs * heads * before;
            edges += readers * (shape.ParallelAttnMlp ? before : before + heads);
        }

        edges += 1 + (shape.NLayers * (heads + writers)); // into the logits
        return edges * Math.Max(1, positionGroups);
    }

    /// <summary>The position of <paramref name="node"/> in <see cref="Nodes"/>, or -1.</summary>
    public int IndexOf(Node node) => node is not null && _nodeIndex.TryGetValue(node, out int i) ? i : -1;

    /// <summary>The position of <paramref name="edge"/> in <see cref="Edges"/>, or -1.</summary>
    public int IndexOf(Edge edge) => edge is not null && _edgeIndex.TryGetValue(edge, out int i) ? i : -1;

    /// <summary>Whether <paramref name="node"/> is a node of this graph.</summary>
    public bool Contains(Node node) => IndexOf(node) >= 0;

    /// <summary>Whether <paramref name="edge"/> is an edge of this graph.</summary>
    public bool Contains(Edge edge) => IndexOf(edge) >= 0;

    /// <summary>
    /// Parses a node id and checks that the node is in this graph; throws <see cref="GraphIdException"/> naming the
    /// id and the nearest valid node id otherwise.
    /// </summary>
    public Node ParseNode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!GraphIds.TryParseNode(id, out var node, out string? reason))
        {
            throw new GraphIdException(id, reason, IdSuggestions.NearestNode(this, id)?.Id);
        }

        return Contains(node)
            ? node
            : throw new GraphIdException(id, $"no such node in {Describe()}", IdSuggestions.NearestNode(this, id)?.Id);
    }

    /// <summary>
    /// Parses an edge id and checks that the edge is in this graph (right direction, right q/k/v input for the
    /// level); throws <see cref="GraphIdException"/> naming the id and the nearest valid edge id otherwise.
    /// </summary>
    public Edge ParseEdge(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!GraphIds.TryParseEdge(id, out var edge, out string? reason))
        {
            throw new GraphIdException(id, reason, IdSuggestions.NearestEdge(this, id)?.Id);
        }

        if (Contains(edge))
        {
            return edge;
        }

        string why = Positions is null && edge.Position is not null ? $"edges of {Describe()} name no position (@{edge.Position})"
            : Positions is not null && edge.Position is null ? $"edges of a positional graph name their position group: @label with one of its {Positions}"
            : Positions is not null && Positions.IndexOf(edge.Position) < 0 ? $"unknown position '{edge.Position}': the graph has {Positions}"
            : !Contains(edge.Source) ? $"source {edge.Source.Id} is not a node of {Describe()}"
            : Level == GraphLevel.Neuron && edge.Destination.Kind == NodeKind.Neuron ? $"at neuron level edges end at the MLP m{edge.Destination.Layer}, whose input feeds all its neurons; neurons are sources only"
            : Level == GraphLevel.Neuron && edge.Source.Kind == NodeKind.Mlp ? $"at neuron level the MLP m{edge.Source.Layer} writes through its neurons (m{edge.Source.Layer}.n{{i}}); m{edge.Source.Layer} is a destination only"
            : !Contains(edge.Destination) ? $"destination {edge.Destination.Id} is not a node of {Describe()}"
            : edge.Destination.IsHead && (edge.Input is null) != (Level == GraphLevel.Head)
                ? Level == GraphLevel.Head
                    ? $"edges into heads name no q/k/v input at {Level} level"
                    : $"edges into heads name their q/k/v input at {Level} level"
            : $"{edge.Source.Id} does not feed {edge.Destination.Id} in {Describe()}";
        throw new GraphIdException(id, why, IdSuggestions.NearestEdge(this, id)?.Id);
    }

    /// <summary>The edges into <paramref name="destination"/>, in <see cref="Edges"/> order.</summary>
    public IReadOnlyList<Edge> IncomingEdges(Node destination) => _incoming[Require(destination)];

    /// <summary>The edges out of <paramref name="source"/>, in <see cref="Edges"/> order.</summary>
    public IReadOnlyList<Edge> OutgoingEdges(Node source) => _outgoing[Require(source)];

    /// <summary>
    /// The edges that carry <paramref name="node"/>'s output, in <see cref="Edges"/> order: its outgoing edges; at neuron
    /// level an MLP writes through its neurons, so those of all its neurons (knocking out <c>m{l}</c> knocks out the layer).
    /// </summary>
    public IReadOnlyList<Edge> OutputEdges(Node node)
    {
        if (Level != GraphLevel.Neuron || node?.Kind != NodeKind.Mlp)
        {
            return OutgoingEdges(node!);
        }

        Require(node);
        return _mlpOutputs.GetOrAdd(node.Layer, layer => Enumerable.Range(0, Shape.DMlp).SelectMany(n => OutgoingEdges(Node.Neuron(layer, n))).OrderBy(IndexOf).ToList().AsReadOnly());
    }

    /// <summary>
    /// The graph as a QuikGraph bidirectional graph over all <see cref="Nodes"/>, each QuikGraph edge tagged with its
    /// <see cref="Edge"/> (for DOT output and graph algorithms).
    /// </summary>
    public BidirectionalGraph<Node, TaggedEdge<Node, Edge>> ToQuikGraph() => Reachability.ToQuikGraph(Nodes, Edges);

    /// <summary>A short description for messages: <c>12 layers x 12 heads, d_mlp 3072, Qkv level</c>.</summary>
    public string Describe() =>
        $"{Shape.NLayers} layers x {Shape.NHeads} heads, "
        + (Shape.AttnOnly ? "attention only" : $"d_mlp {Shape.DMlp}")
        + (Shape.ParallelAttnMlp ? ", parallel attn/MLP" : string.Empty)
        + $", {Level} level"
        + (Positions is null ? string.Empty : $", {Positions}");

    /// <inheritdoc />
    public override string ToString() => $"ComputeGraph({Describe()}: {Nodes.Count} nodes, {Edges.Count} edges)";

    private int Require(Node node)
    {
        int index = IndexOf(node);
        return index >= 0
            ? index
            : throw new ArgumentException($"{node?.Id ?? "null"} is not a node of {Describe()}.", nameof(node));
    }
}
