using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Zoo;

namespace CircuitFinder.Studies.Measures;

/// <summary>The known circuit of a planted zoo model on <paramref name="graph"/> (q/k/v level), or null for any other model.</summary>
public static class PlantedTruth
{
    public static Circuit? Of(LoadedModel loaded, ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(graph);
        if (!loaded.Source.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal)
            || !ZooCatalog.TryGet(loaded.Source[ZooCatalog.Prefix.Length..], out var zoo) || !zoo.HasGroundTruth)
        {
            return null;
        }

        return new Circuit(zoo.GroundTruthEdges.Select(graph.ParseEdge));
    }
}
