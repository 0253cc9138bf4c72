using CircuitFinder.Graph;
using CircuitFinder.Model;

namespace CircuitFinder.Scrubbing.Inputs;

/// <summary>
/// Moves a circuit between the head and q/k/v levels of one model: an edge into a head's q, k or v input becomes the
/// head-level edge into the head, and a head-level edge into a head becomes its three q/k/v edges. Other edges are
/// the same at both levels. Neuron-level circuits are not projected across levels. Between a positional graph and one
/// without positions, an edge stands for all of its positional copies, and a positional copy for its edge.
/// </summary>
public static class CircuitProjection
{
    public static Circuit Project(Circuit circuit, ComputeGraph from, ComputeGraph to)
    {
        if (from.Level == to.Level && Equals(from.Positions, to.Positions))
        {
            return circuit;
        }

        if (from.Level != to.Level && (from.Level == GraphLevel.Neuron || to.Level == GraphLevel.Neuron))
        {
            throw new BadInputException($"cannot compare a {Name(from.Level)}-level circuit with a {Name(to.Level)}-level one");
        }

        if (from.Positions is not null && to.Positions is not null && !from.Positions.Equals(to.Positions))
        {
            throw new BadInputException($"cannot compare circuits split by different position groups ({from.Positions}; {to.Positions})");
        }

        // positions are kept where both graphs have the same; a circuit without positions holds every positional copy
        // of its edges, and a positional one the edge without positions when it holds any copy of it
        bool sameLevel = from.Level == to.Level, bothPositional = from.Positions is not null && to.Positions is not null;
        (Node, Node, QkvInput?, string?) Key(Edge e) => (e.Source, e.Destination, sameLevel ? e.Input : null, bothPositional ? e.Position : null);
        var byKey = to.Edges.ToLookup(Key);
        return new Circuit(circuit.Edges.SelectMany(e => byKey[Key(e)]));
    }

    private static string Name(GraphLevel level) => level.ToString().ToLowerInvariant();
}
