using CircuitFinder.Graph;
using CircuitFinder.Model.Config;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// Where each graph node lives in the model: source indices (rows of the stacked source outputs; a neuron is column n of
/// its layer's post-activations instead) and destination slots (a head's q/k/v input, an MLP input, the logits), grouped
/// by layer.
/// </summary>
public sealed class GraphLayout
{
    private readonly Dictionary<Node, int> _sourceIndex = new();

    public GraphLayout(ComputeGraph graph, HookedTransformerConfig config)
    {
        if (graph.Shape.NLayers != config.NLayers || graph.Shape.NHeads != config.NHeads
            || graph.Shape.AttnOnly != config.AttnOnly || graph.Shape.ParallelAttnMlp != config.ParallelAttnMlp
            || (!config.AttnOnly && graph.Shape.DMlp != config.DMlp))
        {
            throw new ArgumentException($"graph shape {graph.Shape} does not match the model config", nameof(graph));
        }

        Graph = graph;
        Config = config;
        Sources = graph.Sources.Where(n => n.Kind != NodeKind.Neuron).ToList().AsReadOnly();
        for (int i = 0; i < Sources.Count; i++)
        {
            _sourceIndex[Sources[i]] = i;
        }

        NeuronLevel = graph.Level == GraphLevel.Neuron;
        Positions = graph.Positions;
        Channels = graph.Level == GraphLevel.Head ? 1 : 3;
    }

    public ComputeGraph Graph { get; }

    public HookedTransformerConfig Config { get; }

    /// <summary>
    /// Source nodes other than neurons, in graph order: the row order of stacked source outputs (neurons live in
    /// compact form, <see cref="SourceOutputs.Post"/>).
    /// </summary>
    public IReadOnlyList<Node> Sources { get; }

    /// <summary>Whether MLPs write through their neurons (each a source of its own).</summary>
    public bool NeuronLevel { get; }

    /// <summary>Inputs per head: 3 (q, k, v) or 1 (all three share one input).</summary>
    public int Channels { get; }

    /// <summary>The position groups edges are split by (null: not split).</summary>
    public GraphPositions? Positions { get; }

    public int SourceIndex(Node node) => _sourceIndex[node];

    /// <summary>The position group an edge ablates (-1: all positions).</summary>
    public int PositionGroup(Edge edge) => edge.Position is null || Positions is null ? -1 : Positions.IndexOf(edge.Position);

    /// <summary>The layer whose computation an edge's destination input enters (logits: <c>n_layers</c>).</summary>
    public int DestinationLayer(Edge edge) => edge.Destination.Kind == NodeKind.Logits ? Config.NLayers : edge.Destination.Layer;

    /// <summary>The layer a source is computed in (input: -1).</summary>
    public static int SourceLayer(Node source) => source.Kind == NodeKind.Input ? -1 : source.Layer;

    /// <summary>Channel of an edge into a head: 0 = q, 1 = k, 2 = v, or 0 at head level.</summary>
    public static int Channel(Edge edge) => edge.Input switch
    {
        QkvInput.Q or null => 0,
        QkvInput.K => 1,
        QkvInput.V => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(edge)),
    };

    /// <summary>
    /// <paramref name="edges"/> without repeats, in graph order (so that sums over them, and so the floats, do not depend
    /// on how the caller's collection iterates); an edge not in the graph (ablation sets come from users) is an
    /// <see cref="ArgumentException"/> naming it.
    /// One lookup per edge and a sort of their indices: a neuron-level set can hold millions of edges.
    /// </summary>
    public IReadOnlyList<Edge> Ordered(IEnumerable<Edge> edges)
    {
        var indices = new List<int>(edges is IReadOnlyCollection<Edge> c ? c.Count : 0);
        foreach (var edge in edges)
        {
            int index = Graph.IndexOf(edge);
            indices.Add(index >= 0 ? index : throw new ArgumentException($"edge '{edge.Id}' is not in the {Graph.Level} graph of this model"));
        }

        indices.Sort();
        var ordered = new List<Edge>(indices.Count);
        for (int i = 0; i < indices.Count; i++)
        {
            if (i == 0 || indices[i] != indices[i - 1])
            {
                ordered.Add(Graph.Edges[indices[i]]);
            }
        }

        return ordered;
    }
}
