using CircuitFinder.Model;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// One forward and one backward pass that give ∂metric/∂input_d for every destination input d at once: the forward
/// runs the model's own blocks routed by <see cref="GradientRoute"/> (each destination reads its own view of the
/// residual stream), so one <c>autograd.grad</c> call returns the gradient along each destination's path alone. Logits
/// are computed at the read positions only, and the weights take no gradients.
/// </summary>
internal static class DestinationGradients
{
    /// <summary>
    /// Adds <paramref name="weight"/> × ∂metric/∂input_d, with the <c>input</c> node's output set to
    /// <paramref name="inputNode"/> <c>[b, p, d]</c>, into <paramref name="sum"/> <c>[n_slots, b, p, d]</c>.
    /// </summary>
    public static void Accumulate(
        HookedTransformer model, PatchingInput input, Tensor inputNode, IMetric metric, MetricTarget target,
        DestinationSlots slots, Tensor sum, double weight)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var c = model.Config;
        long h = c.NHeads;
        var context = model.Context(input.Tokens, input.AttentionMask);
        var route = new GradientRoute(slots.Channels, c.NHeads);
        var final = model.RunBlocks(0, inputNode.detach().requires_grad_(true), context, route); // [b, p, d]
        var logits = model.Logits(final, input.ReadPositions, fireHooks: false); // [b, v] or [b, p, v]
        var value = metric.PerPrompt(logits.unsqueeze(0), target).mean();
        var wrt = route.Views;
        var grads = TorchSharp.torch.autograd.grad([value], wrt, allow_unused: true);
        using var noGrad = no_grad();
        int g = 0;
        for (int l = 0; l < c.NLayers; l++)
        {
            for (int channel = 0; channel < slots.Channels; channel++)
            {
                var rows = sum.narrow(0, slots.HeadStart(l) + (channel * h), h); // [h, b, p, d]
                AddInto(rows, grads[g++], weight);
            }

            if (!c.AttnOnly)
            {
                AddInto(sum[slots.Mlp(l)], grads[g++], weight);
            }
        }

        AddInto(sum[slots.Logits], grads[g], weight);
    }

    private static void AddInto(Tensor rows, Tensor? gradient, double weight)
    {
        if (gradient is null || gradient.IsInvalid)
        {
            return; // a destination that cannot reach the metric has zero gradient
        }

        using var alpha = weight.ToScalar(); // held until libtorch is done with it (see Model.Scalars)
        rows.add_(gradient, alpha); // heads' gradients are head-major [h, b, p, d], as the rows
    }
}
