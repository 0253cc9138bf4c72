using CircuitFinder.Graph;
using CircuitFinder.Model.Config;

namespace CircuitFinder.Patching;

/// <summary>
/// The one place a model's config becomes the shape of its computational graph (Graph knows shapes, not models):
/// layers, heads per layer, MLP width, attention-only and parallel attention/MLP.
/// </summary>
public static class ModelGraph
{
    /// <summary>The graph shape of a model with config <paramref name="config"/>.</summary>
    public static GraphShape Shape(HookedTransformerConfig config) =>
        new(config.NLayers, config.NHeads, config.DMlp, config.AttnOnly, config.ParallelAttnMlp);

    /// <summary>The most edges a graph may have here: each costs a few hundred bytes with its score, about 3 GiB at this many.</summary>
    public const long MaximumEdges = 20_000_000;

    /// <summary>The model's computational graph at <paramref name="level"/>.</summary>
    public static ComputeGraph Build(HookedTransformerConfig config, GraphLevel level) => Build(config, level, null);

    /// <summary>
    /// The model's computational graph at <paramref name="level"/>, edges split by <paramref name="positions"/> (null: not
    /// split); a graph of more than <see cref="MaximumEdges"/> edges is refused as bad input naming the level and count.
    /// </summary>
    public static ComputeGraph Build(HookedTransformerConfig config, GraphLevel level, GraphPositions? positions)
    {
        long edges = ComputeGraph.EdgeCount(Shape(config), level, positions?.Count ?? 1);
        if (edges > MaximumEdges)
        {
            throw new BadInputException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"--level {GraphLevels.Name(level)}{(positions is null ? string.Empty : $" --positions {GraphPositions.Name(positions.Mode)}")}: the graph of this model would have {edges:N0} edges, more than the {MaximumEdges:N0} held at once (about 3 GiB); use a coarser --level or no --positions"));
        }

        return ComputeGraph.Build(Shape(config), level, positions);
    }

    /// <summary>The model's graphs by level, each built once on first use (a neuron-level graph can be large).</summary>
    public static Func<GraphLevel, ComputeGraph> Levels(HookedTransformerConfig config)
    {
        var built = new Dictionary<GraphLevel, ComputeGraph>();
        return level => built.TryGetValue(level, out var graph) ? graph : built[level] = Build(config, level);
    }
}
