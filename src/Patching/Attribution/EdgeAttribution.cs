using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// Edge attribution patching (Syed et al. 2023) and its integrated-gradients form EAP-IG (Hanna et al. 2024):
/// score(s→d) = Σ_{prompt, pos, d_model} (x̃_s − x_s) · ∂metric/∂input_d, the metric averaged over prompts. EAP takes
/// the gradient at the clean run; EAP-IG averages it over <c>steps</c> runs whose <c>input</c> node output lies on the
/// straight line from its ablated to its clean value, x̃ + α (x − x̃) with α = k/steps, k = 1..steps (for resample
/// ablation: from the corrupted prompt's embeddings to the clean ones). Destination inputs are the pre-norm copies
/// each head (q, k, v), MLP and the logits read from the residual stream; x̃ is the patcher's ablation.
/// </summary>
public static class EdgeAttribution
{
    /// <summary>
    /// Scores every edge of <paramref name="patcher"/>'s graph. <paramref name="steps"/> = 0 is EAP; ≥ 1 is EAP-IG.
    /// </summary>
    public static IReadOnlyDictionary<Edge, double> Score(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, int steps = 0)
    {
        var graph = patcher.Graph;
        if (graph.Level == GraphLevel.Neuron)
        {
            throw new ArgumentException("edge attribution at neuron level is not supported yet; use the head or q/k/v level");
        }

        if (steps < 0)
        {
            throw new ArgumentException($"integration steps must not be negative, got {steps}");
        }

        using var scope = NewDisposeScope();
        var layout = patcher.Layout;
        var slots = new DestinationSlots(layout);
        var tables = ScoreTables(model, patcher, metric, answers, wrongAnswers, steps, slots)
            .Select(t => t.to(ScalarType.Float64).cpu().data<double>().ToArray())
            .ToArray();
        var scores = new Dictionary<Edge, double>(graph.Edges.Count);
        foreach (var edge in graph.Edges)
        {
            int slot = slots.SlotOf(edge), g = slots.GroupOf(slot);
            var group = slots.Groups[g];
            scores[edge] = tables[g][(layout.SourceIndex(edge.Source) * group.Count) + slot - group.Start];
        }

        return scores;
    }

    /// <summary>
    /// The scores as tensors on the model's device, one table <c>[sources, count]</c> per slot group of
    /// <paramref name="slots"/> (nothing is read back, so this runs on any device).
    /// </summary>
    internal static Tensor[] ScoreTables(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, int steps, DestinationSlots slots)
    {
        var layout = patcher.Layout;
        var target = new MetricTarget(answers, wrongAnswers, patcher.CleanLogits);
        var clean = patcher.CleanSources; // [n_src, b, p, d]
        var ablated = patcher.AblatedSources;
        var gradients = zeros([slots.Count, .. clean.shape[1..]], clean.dtype, clean.device); // [n_slots, b, p, d]
        int inputRow = layout.SourceIndex(Node.Input);
        if (steps == 0)
        {
            DestinationGradients.Accumulate(model, patcher.Input, clean[inputRow], metric, target, slots, gradients, 1.0);
        }
        else
        {
            // the input node's output on the straight line from x̃ to x: x̃ + α (x − x̃), α = k / steps
            for (int k = 1; k <= steps; k++)
            {
                using var stepScope = NewDisposeScope();
                using var alpha = ((double)k / steps).ToScalar(); // held across the calls (see Model.Scalars)
                var point = ablated[inputRow].add((clean[inputRow] - ablated[inputRow]).mul(alpha), Scalars.One);
                DestinationGradients.Accumulate(model, patcher.Input, point, metric, target, slots, gradients, 1.0 / steps);
            }
        }

        var delta = (ablated - clean).flatten(1); // [n_src, b*p*d]
        var flatGradients = gradients.flatten(1); // [n_slots, b*p*d]
        return slots.Groups
            .Select(g => matmul(delta.narrow(0, 0, g.Sources), flatGradients.narrow(0, g.Start, g.Count).t())) // [sources, count]
            .ToArray();
    }
}
