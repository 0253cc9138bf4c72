using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Engine;
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
/// each head (q, k, v), MLP (at neuron level each neuron) and the logits read from the residual stream; x̃ is the
/// patcher's ablation. In a positional graph the sum over positions is kept per position group: an edge <c>s-&gt;d@g</c>
/// scores Σ over the rows of group g only, so the copies of an edge sum to its score without positions.
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
        int positions = graph.Positions?.Count ?? 1;
        foreach (var edge in graph.Edges)
        {
            int slot = slots.SlotOf(edge), g = slots.GroupOf(slot);
            var group = slots.Groups[g];
            scores[edge] = tables[(g * positions) + Math.Max(0, layout.PositionGroup(edge))][(layout.SourceIndex(edge.Source) * group.Count) + slot - group.Start];
        }

        return scores;
    }

    /// <summary>
    /// The scores as tensors on the model's device, one table <c>[sources, count]</c> per slot group of
    /// <paramref name="slots"/> (nothing is read back, so this runs on any device); in a positional graph one per slot
    /// group and position group, position groups innermost.
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

        if (patcher.Graph.Positions is { } positions)
        {
            return PositionTables(patcher.Input, positions, ablated - clean, gradients, slots);
        }

        var delta = (ablated - clean).flatten(1); // [n_src, b*p*d]
        var flatGradients = gradients.flatten(1); // [n_slots, b*p*d]
        return slots.Groups
            .Select(g => matmul(delta.narrow(0, 0, g.Sources), flatGradients.narrow(0, g.Start, g.Count).t())) // [sources, count]
            .ToArray();
    }

    /// <summary>
    /// The tables of a positional graph: per slot group and position group, the product over that group's rows only
    /// (each row is read once in all, so the cost is the product without positions).
    /// </summary>
    private static Tensor[] PositionTables(PatchingInput input, GraphPositions positions, Tensor delta, Tensor gradients, DestinationSlots slots)
    {
        long nSrc = delta.shape[0], b = delta.shape[1], p = delta.shape[2], d = delta.shape[3], nSlots = gradients.shape[0];
        var groups = positions.Mode == PositionMode.All
            ? arange(p, ScalarType.Int64, delta.device).repeat(b) // [b·p]: the group is the position
            : input.PositionGroups!.to(ScalarType.Int64).reshape(-1); // [b·p]
        var rowsDelta = delta.view(nSrc, b * p, d); // [n_src, b·p, d]
        var rowsGradients = gradients.view(nSlots, b * p, d); // [n_slots, b·p, d]
        var tables = new Tensor[slots.Groups.Count * positions.Count];
        for (int pg = 0; pg < positions.Count; pg++)
        {
            var rows = nonzero(groups.eq(pg)).view(-1); // [r]
            var groupDelta = rowsDelta.index_select(1, rows).flatten(1); // [n_src, r·d]
            var groupGradients = rowsGradients.index_select(1, rows).flatten(1); // [n_slots, r·d]
            for (int g = 0; g < slots.Groups.Count; g++)
            {
                var group = slots.Groups[g];
                tables[(g * positions.Count) + pg] = matmul(groupDelta.narrow(0, 0, group.Sources), groupGradients.narrow(0, group.Start, group.Count).t()); // [sources, count]
            }
        }

        return tables;
    }
}
