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
/// each head (q, k, v), MLP and the logits read from the residual stream; x̃ is the patcher's ablation. At neuron level
/// a neuron's edges are scored from the MLP's post-activations (<see cref="NeuronScoreTables"/>), never from a d_model
/// vector per neuron, so a GPT-2-small-sized model's 7.6 million neuron-level edges fit in memory. In a positional graph the sum over positions is kept per position group: an edge <c>s-&gt;d@g</c>
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
        var scores = new Dictionary<Edge, double>(patcher.Graph.Edges.Count);
        AddScores(model, patcher, metric, answers, wrongAnswers, steps, scores, 1.0);
        return scores;
    }

    /// <summary>
    /// Adds <paramref name="weight"/> × every edge's score into <paramref name="scores"/> (one hash per edge: a
    /// positional GPT-2-small graph has half a million edges, and the dictionary work is then a visible share of EAP).
    /// </summary>
    internal static void AddScores(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, int steps,
        Dictionary<Edge, double> scores, double weight)
    {
        var graph = patcher.Graph;
        if (steps < 0)
        {
            throw new ArgumentException($"integration steps must not be negative, got {steps}");
        }

        using var scope = NewDisposeScope();
        var layout = patcher.Layout;
        var slots = new DestinationSlots(layout);
        var (rowTables, neuronTables) = ScoreTables(model, patcher, metric, answers, wrongAnswers, steps, slots);
        var tables = rowTables.Select(Read).ToArray();
        var neurons = neuronTables.Select(layers => layers.Select(Read).ToArray()).ToArray(); // [group][layer]: [m, count, groups]
        int positions = graph.Positions?.Count ?? 1;
        // A positional graph lists each edge's position groups consecutively (ComputeGraph.Build), so the slot and
        // source row are looked up once per edge and reused for its groups: the lookups cost more than the insert.
        Edge? last = null;
        int table = 0, index = 0;
        double[]? neuronTable = null;
        foreach (var edge in graph.Edges)
        {
            if (last is null || !ReferenceEquals(edge.Source, last.Source) || !ReferenceEquals(edge.Destination, last.Destination) || edge.Input != last.Input)
            {
                int slot = slots.SlotOf(edge), g = slots.GroupOf(slot);
                var group = slots.Groups[g];
                bool neuron = edge.Source.Kind == NodeKind.Neuron;
                neuronTable = neuron ? neurons[g][edge.Source.Layer] : null;
                table = g * positions;
                index = neuron
                    ? ((edge.Source.Index * group.Count) + slot - group.Start) * positions
                    : (layout.SourceIndex(edge.Source) * group.Count) + slot - group.Start;
                last = edge;
            }

            int pg = Math.Max(0, layout.PositionGroup(edge));
            double score = neuronTable is null ? tables[table + pg][index] : neuronTable[index + pg];
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(scores, edge, out _) += weight * score;
        }
    }

    private static double[] Read(Tensor table) => table.to(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>
    /// The scores as tensors on the model's device, one table <c>[sources, count]</c> per slot group of
    /// <paramref name="slots"/> (nothing is read back, so this runs on any device); in a positional graph one per slot
    /// group and position group, position groups innermost. At neuron level also the neurons' tables, per slot group
    /// and layer below it <c>[d_mlp, count, position groups]</c> (<see cref="NeuronScoreTables"/>).
    /// </summary>
    internal static (Tensor[] Rows, Tensor[][] Neurons) ScoreTables(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, int steps, DestinationSlots slots)
    {
        var layout = patcher.Layout;
        var target = new MetricTarget(answers, wrongAnswers, patcher.CleanLogits);
        var clean = patcher.CleanSources; // [n_src, b, p, d]
        var ablated = patcher.AblatedSources;
        // one table per position: the gradients are kept position-major ([n_slots, p, b, d] in memory, seen as
        // [n_slots, b, p, d]), so each position's rows are one strided matrix that the product reads without a copy
        bool byPosition = patcher.Graph.Positions?.Mode == PositionMode.All;
        long[] shape = [.. clean.shape];
        var stored = zeros(byPosition ? [slots.Count, shape[2], shape[1], shape[3]] : [slots.Count, .. shape[1..]], clean.dtype, clean.device);
        var gradients = byPosition ? stored.permute(0, 2, 1, 3) : stored; // [n_slots, b, p, d]
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

        // each row's position group [b·p], prompt-major, as the patching engine groups rows (null without positions)
        var rowGroups = patcher.Graph.Positions is { } grouping
            ? PositionRows.For(patcher.Input, grouping.Count, grouping.Mode == PositionMode.All, clean.dtype).Flat
            : null;
        var neurons = patcher.Clean.Post is null ? [] : NeuronScoreTables.Compute(
            model, patcher.Clean, patcher.Ablated, gradients, slots, rowGroups, patcher.Graph.Positions?.Count ?? 1);
        if (byPosition)
        {
            // position-major deltas [n_src, p, b, d] and gradients [n_slots, p, b, d]: position t's rows, read in place
            var rowMajor = (ablated - clean).permute(0, 2, 1, 3).contiguous();
            return (Tables(slots, (int)rowMajor.shape[1], t => (rowMajor.select(1, t).flatten(1), stored.select(1, t).flatten(1))), neurons); // [n_src, b·d], [n_slots, b·d]
        }

        if (patcher.Graph.Positions is { } positions)
        {
            // the groups of word labels lie anywhere in a prompt: each group's rows are gathered (each row once in all)
            long nSrc = clean.shape[0], rowCount = clean.shape[1] * clean.shape[2], d = clean.shape[3];
            var groups = rowGroups!; // [b·p]
            var rowsDelta = (ablated - clean).view(nSrc, rowCount, d); // [n_src, b·p, d]
            var rowsGradients = gradients.view(slots.Count, rowCount, d); // [n_slots, b·p, d]
            return (Tables(slots, positions.Count, pg =>
            {
                var rows = nonzero(groups.eq(pg)).view(-1); // [r]
                return (rowsDelta.index_select(1, rows).flatten(1), rowsGradients.index_select(1, rows).flatten(1)); // [n_src, r·d], [n_slots, r·d]
            }), neurons);
        }

        return (Tables(slots, 1, _ => ((ablated - clean).flatten(1), gradients.flatten(1))), neurons); // [n_src, b·p·d], [n_slots, b·p·d]
    }

    /// <summary>
    /// One table <c>[sources, count]</c> per slot group and position group (position groups innermost): the product of
    /// the deltas and gradients that <paramref name="rowsOf"/> gives for each position group, <c>[n_src, rows·d]</c>
    /// and <c>[n_slots, rows·d]</c>, each slot group reading its prefix of the sources.
    /// </summary>
    private static Tensor[] Tables(DestinationSlots slots, int positionGroups, Func<int, (Tensor Delta, Tensor Gradients)> rowsOf)
    {
        var tables = new Tensor[slots.Groups.Count * positionGroups];
        for (int pg = 0; pg < positionGroups; pg++)
        {
            var (delta, gradients) = rowsOf(pg);
            for (int g = 0; g < slots.Groups.Count; g++)
            {
                var group = slots.Groups[g];
                tables[(g * positionGroups) + pg] = matmul(delta.narrow(0, 0, group.Sources), gradients.narrow(0, group.Start, group.Count).t()); // [sources, count]
            }
        }

        return tables;
    }
}
