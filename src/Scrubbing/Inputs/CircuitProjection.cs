using CircuitFinder.Graph;
using CircuitFinder.Model;

namespace CircuitFinder.Scrubbing.Inputs;

/// <summary>
/// Moves a circuit between the head and q/k/v levels of one model: an edge into a head's q, k or v input becomes the
/// head-level edge into the head, and a head-level edge into a head becomes its three q/k/v edges. Other edges are
/// the same at both levels. Neuron-level circuits are not projected.
/// </summary>
public static class CircuitProjection
{
    public static Circuit Project(Circuit circuit, ComputeGraph from, ComputeGraph to)
    {
        if (from.Level == to.Level)
        {
            return circuit;
        }

        if (from.Level == GraphLevel.Neuron || to.Level == GraphLevel.Neuron)
        {
            throw new BadInputException($"cannot compare a {Name(from.Level)}-level circuit with a {Name(to.Level)}-level one");
        }

        var byEndpoints = to.Edges.ToLookup(e => (e.Source, e.Destination));
        return new Circuit(circuit.Edges.SelectMany(e => byEndpoints[(e.Source, e.Destination)]));
    }

    private static string Name(GraphLevel level) => level.ToString().ToLowerInvariant();
}
