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
}
