using CircuitFinder.Model;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// The logit lens and direct logit attribution read the residual stream as a sum of components that the final
/// normalization (with its cached scale) and the unembedding map linearly to logits. Gemma 2's norms of the attention
/// and MLP outputs, and its final logit soft-cap, break that: the lens refuses such models by name instead of
/// printing numbers that do not add up.
/// </summary>
internal static class LinearDecomposition
{
    public static void Require(HookedTransformer model, string view)
    {
        var config = model.Config;
        if (config.UseNormalizationBeforeAndAfter || config.HasOutputSoftCap)
        {
            throw new BadInputException(
                $"{view}: {config.ModelName} normalizes each attention and MLP output (sandwich norms) or soft-caps its logits (Gemma 2), " +
                "so its residual stream is not a sum of components that map linearly to logits; the logit lens and direct logit attribution do not support it " +
                "(attention, patch and run do)");
        }
    }
}
