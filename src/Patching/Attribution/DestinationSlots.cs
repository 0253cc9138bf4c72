using CircuitFinder.Graph;
using CircuitFinder.Patching.Engine;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// Where each destination input's gradient lives in the stacked gradient tensor <c>[n_slots, batch, pos, d_model]</c>,
/// grouped so that one group is one matrix product: for each layer the heads' inputs (channel-major: all q, then all k,
/// then all v; one channel at head level), then the layer's MLP, and last the logits. Each group reads a prefix of the
/// layout's source rows (sources are stored in graph order, and a destination reads every node before it) and, at
/// neuron level, the neurons of the layers below it.
/// </summary>
internal sealed class DestinationSlots
{
    private readonly Dictionary<(Node Node, int Channel), int> _slot = new();
    private readonly int[] _groupOf;

    public DestinationSlots(GraphLayout layout)
    {
        var c = layout.Config;
        var graph = layout.Graph;
        var groups = new List<SlotGroup>();
        int next = 0;
        int SourcePrefix(Node destination) => graph.IncomingEdges(destination).Where(e => e.Source.Kind != NodeKind.Neuron).Select(e => layout.SourceIndex(e.Source)).DefaultIfEmpty(-1).Max() + 1;
        int NeuronLayers(int layer) => layout.NeuronLevel && !c.AttnOnly ? layer : 0;
        for (int l = 0; l < c.NLayers; l++)
        {
            int start = next;
            for (int channel = 0; channel < layout.Channels; channel++)
            {
                for (int h = 0; h < c.NHeads; h++)
                {
                    _slot[(Node.Head(l, h), channel)] = next++;
                }
            }

            groups.Add(new SlotGroup(start, next - start, SourcePrefix(Node.Head(l, 0)), NeuronLayers(l)));
            if (!c.AttnOnly)
            {
                groups.Add(new SlotGroup(next, 1, SourcePrefix(Node.Mlp(l)), NeuronLayers(l)));
                _slot[(Node.Mlp(l), 0)] = next++;
            }
        }

        _slot[(Node.Logits, 0)] = next;
        groups.Add(new SlotGroup(next++, 1, SourcePrefix(Node.Logits), NeuronLayers(c.NLayers)));
        Count = next;
        Groups = groups;
        Channels = layout.Channels;
        _groupOf = new int[next];
        for (int g = 0; g < groups.Count; g++)
        {
            Array.Fill(_groupOf, g, groups[g].Start, groups[g].Count);
        }
    }

    /// <summary>Number of slots (rows of the gradient tensor).</summary>
    public int Count { get; }

    /// <summary>Inputs per head (3 at the q/k/v level, 1 at head level).</summary>
    public int Channels { get; }

    /// <summary>Consecutive slot ranges that read the same source prefix, in slot order.</summary>
    public IReadOnlyList<SlotGroup> Groups { get; }

    /// <summary>The index in <see cref="Groups"/> of the group holding <paramref name="slot"/>.</summary>
    public int GroupOf(int slot) => _groupOf[slot];

    /// <summary>The slot an edge's destination input occupies.</summary>
    public int SlotOf(Edge edge) => _slot[(edge.Destination, Channels == 1 ? 0 : GraphLayout.Channel(edge))];

    /// <summary>The first slot of layer <paramref name="layer"/>'s heads.</summary>
    public int HeadStart(int layer) => _slot[(Node.Head(layer, 0), 0)];

    /// <summary>The slot of layer <paramref name="layer"/>'s MLP input.</summary>
    public int Mlp(int layer) => _slot[(Node.Mlp(layer), 0)];

    /// <summary>The slot of the logits' input (the final residual stream).</summary>
    public int Logits => _slot[(Node.Logits, 0)];
}
