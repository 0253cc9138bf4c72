using CircuitFinder.Graph;
using CircuitFinder.Model;

namespace CircuitFinder.Scrubbing.Inputs;

/// <summary>
/// Moves a circuit between the head and q/k/v levels of one model: an edge into a head's q, k or v input becomes the
/// head-level edge into the head, and a head-level edge into a head becomes its three q/k/v edges. Other edges are
/// the same at both levels. Between the neuron level and another, an MLP's edge out stands for the same edge out of
/// every one of its neurons, and a neuron's edge for its MLP's (edges into the MLP are the same at every level).
/// Between a positional graph and one without positions, an edge stands for all of its positional copies, and a
/// positional copy for its edge.
/// </summary>
public static class CircuitProjection
{
    public static Circuit Project(Circuit circuit, ComputeGraph from, ComputeGraph to)
    {
        if (from.Level == to.Level && Equals(from.Positions, to.Positions))
        {
            return circuit;
        }

        if (from.Positions is not null && to.Positions is not null && !from.Positions.Equals(to.Positions))
        {
            throw new BadInputException($"cannot compare circuits split by different position groups ({from.Positions}; {to.Positions})");
        }

        // positions are kept where both graphs have the same; a circuit without positions holds every positional copy
        // of its edges, and a positional one the edge without positions when it holds any copy of it
        // q/k/v inputs are kept where both graphs name them; across the neuron level a neuron is keyed by its MLP
        bool sameInputs = (from.Level == GraphLevel.Head) == (to.Level == GraphLevel.Head), bothPositional = from.Positions is not null && to.Positions is not null;
        bool acrossNeurons = from.Level != to.Level && (from.Level == GraphLevel.Neuron || to.Level == GraphLevel.Neuron);
        Node Writer(Node n) => acrossNeurons && n.Kind == NodeKind.Neuron ? Node.Mlp(n.Layer) : n;
        (Node, Node, QkvInput?, string?) Key(Edge e) => (Writer(e.Source), e.Destination, sameInputs ? e.Input : null, bothPositional ? e.Position : null);
        var byKey = to.Edges.ToLookup(Key);
        return new Circuit(circuit.Edges.SelectMany(e => byKey[Key(e)]));
    }
}
