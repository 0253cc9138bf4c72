using CircuitFinder.Model;
using CircuitFinder.Patching.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// EAP scores of the edges that leave MLP neurons, from the MLPs' post-activations rather than a d_model vector per
/// neuron: score(n→d) = Σ_rows (x̃_n − x_n) · g_d = Σ_rows (p̃ost_n − post_n) (W_out[n] · g_d), so each slot group
/// and layer below it is one product of the gradients with W_outᵀ (<c>[slots·rows, d] × [d, d_mlp]</c>) weighted by the
/// post-activation differences and summed over the rows of each position group. Under sandwich norms a neuron writes
/// (post_n W_out[n] + b_out / d_mlp) ⊙ gain, and each run's gain enters its own product.
/// </summary>
internal static class NeuronScoreTables
{
    /// <summary>
    /// Per slot group of <paramref name="slots"/>, per layer below it, the scores <c>[d_mlp, count, groups]</c> of its
    /// neurons' edges into the group's slots, summed over the rows of each of <paramref name="groups"/> position groups
    /// (<paramref name="rowGroups"/> <c>[b·p]</c>, each row's group; null: one group of every row).
    /// </summary>
    public static Tensor[][] Compute(
        HookedTransformer model, SourceOutputs clean, SourceOutputs ablated, Tensor gradients, DestinationSlots slots, Tensor? rowGroups, int groups)
    {
        var post = clean.Post ?? throw new ArgumentException("neuron-level scores need the clean post-activations");
        var ablatedPost = ablated.Post ?? throw new ArgumentException("neuron-level scores need the ablated post-activations");
        long rows = post.shape[1] * post.shape[2], m = post.shape[3], d = gradients.shape[^1];
        var tables = new Tensor[slots.Groups.Count][];
        for (int g = 0; g < slots.Groups.Count; g++)
        {
            var group = slots.Groups[g];
            tables[g] = new Tensor[group.NeuronLayers];
            var grad = gradients.narrow(0, group.Start, group.Count).reshape(group.Count, rows, d); // [count, rows, d]
            for (int l = 0; l < group.NeuronLayers; l++)
            {
                using var scope = NewDisposeScope();
                var mlp = model.Blocks[l].MlpModule!;
                var wT = mlp.W_out.t(); // [d, m]
                Tensor contribution; // [count, rows, m]
                if (clean.Gain is null)
                {
                    var delta = (ablatedPost[l] - post[l]).view(1, rows, m);
                    contribution = matmul(grad, wT).mul_(delta);
                }
                else
                {
                    var gain = clean.Gain[l].view(1, rows, d);
                    var ablatedGain = ablated.Gain![l].view(1, rows, d);
                    contribution = matmul(grad * ablatedGain, wT).mul_(ablatedPost[l].view(1, rows, m))
                        .sub_(matmul(grad * gain, wT).mul_(post[l].view(1, rows, m)));
                    using var share = (1.0 / model.Config.DMlp).ToScalar();
                    var bias = (grad * (ablatedGain - gain)).matmul(mlp.b_out.mul(share)); // [count, rows]: the b_out share, the same for every neuron
                    contribution.add_(bias.unsqueeze(-1));
                }

                var table = rowGroups is null
                    ? contribution.sum([1L]).unsqueeze(-1) // [count, m, 1]
                    : zeros([group.Count, groups, m], contribution.dtype, contribution.device).index_add_(1, rowGroups, contribution, Scalars.One).transpose(1, 2); // [count, m, groups]
                tables[g][l] = table.permute(1, 0, 2).contiguous().MoveToOuterDisposeScope(); // [m, count, groups]
            }
        }

        return tables;
    }
}
