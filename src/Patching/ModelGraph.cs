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

    /// <summary>The model's computational graph at <paramref name="level"/>.</summary>
    public static ComputeGraph Build(HookedTransformerConfig config, GraphLevel level) => ComputeGraph.Build(Shape(config), level);

    /// <summary>The model's computational graph at <paramref name="level"/>, edges split by <paramref name="positions"/> (null: not split).</summary>
    public static ComputeGraph Build(HookedTransformerConfig config, GraphLevel level, GraphPositions? positions) => ComputeGraph.Build(Shape(config), level, positions);

    /// <summary>The model's graphs by level, each built once on first use (a neuron-level graph can be large).</summary>
    public static Func<GraphLevel, ComputeGraph> Levels(HookedTransformerConfig config)
    {
        var built = new Dictionary<GraphLevel, ComputeGraph>();
        return level => built.TryGetValue(level, out var graph) ? graph : built[level] = Build(config, level);
    }
}
