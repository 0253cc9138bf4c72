using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Modules;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// One forward and one backward pass that give ∂metric/∂input_d for every destination input d at once: the forward
/// runs the model's own modules, but each head reads its q, k and v inputs through its own view of the residual stream
/// (<c>[b, p, h, d]</c>, an expand, so nothing is copied) and each MLP and the unembedding through their own view, so
/// one <c>autograd.grad</c> call returns the gradient along each destination's path alone. Logits are computed at the
/// read positions only, and the weights take no gradients.
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
        long b = input.Batch, p = input.Positions, d = c.DModel, h = c.NHeads;
        var blocked = model.BlockedMask(b, p, input.AttentionMask);
        bool padding = input.AttentionMask is not null;
        var shortformer = c.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer && model.PosEmbed is not null
            ? model.PosEmbed.forward(input.Tokens).unsqueeze(2) // [b, p, 1, d]
            : null;

        var resid = inputNode.detach().requires_grad_(true); // [b, p, d]
        var wrt = new List<Tensor>();
        foreach (var block in model.Blocks)
        {
            var views = Enumerable.Range(0, slots.Channels).Select(_ => resid.unsqueeze(2).expand(b, p, h, d)).ToArray(); // [b, p, h, d] each
            wrt.AddRange(views);
            var normalized = views.Select(v => block.Ln1.ApplyTo(v)).ToArray();
            var q = normalized[0];
            var k = normalized[slots.Channels == 1 ? 0 : 1];
            var v = normalized[slots.Channels == 1 ? 0 : 2];
            if (shortformer is not null)
            {
                q = q.add(shortformer, Scalars.One);
                k = k.add(shortformer, Scalars.One);
            }

            var attnOut = block.Attn.Output(block.Attn.Z(q, k, v, blocked, padding)); // [b, p, d]
            if (block.MlpModule is not { } mlp)
            {
                resid = resid.add(attnOut, Scalars.One);
                continue;
            }

            var mlpIn = c.ParallelAttnMlp ? resid : resid.add(attnOut, Scalars.One); // [b, p, d]
            var mlpView = mlpIn.view(b, p, d);
            wrt.Add(mlpView);
            var mlpOut = mlp.forward(block.Ln2.ApplyTo(mlpView)); // [b, p, d]
            resid = c.ParallelAttnMlp ? resid.add(attnOut, Scalars.One).add(mlpOut, Scalars.One) : mlpIn.add(mlpOut, Scalars.One);
        }

        var final = resid.view(b, p, d);
        wrt.Add(final);
        var read = final;
        if (input.ReadPositions is not null)
        {
            read = final.gather(1, input.ReadPositions.to(ScalarType.Int64).view(b, 1, 1).expand(b, 1, d)).squeeze(1); // [b, d]
        }

        var logits = model.Unembed.forward(model.LnFinal.ApplyTo(read)); // [b, v] or [b, p, v]
        var value = metric.PerPrompt(logits.unsqueeze(0), target).mean();
        var grads = TorchSharp.torch.autograd.grad([value], wrt, allow_unused: true);
        using var noGrad = no_grad();
        int g = 0;
        for (int l = 0; l < c.NLayers; l++)
        {
            for (int channel = 0; channel < slots.Channels; channel++)
            {
                var rows = sum.narrow(0, slots.HeadStart(l) + (channel * h), h); // [h, b, p, d]
                AddInto(rows, grads[g++], weight, permute: true);
            }

            if (!c.AttnOnly)
            {
                AddInto(sum[slots.Mlp(l)], grads[g++], weight, permute: false);
            }
        }

        AddInto(sum[slots.Logits], grads[g], weight, permute: false);
    }

    private static void AddInto(Tensor rows, Tensor? gradient, double weight, bool permute)
    {
        if (gradient is null || gradient.IsInvalid)
        {
            return; // a destination that cannot reach the metric has zero gradient
        }

        var aligned = permute ? gradient.permute(2, 0, 1, 3) : gradient; // [b, p, h, d] -> [h, b, p, d]
        using var alpha = weight.ToScalar(); // held until libtorch is done with it (see Model.Scalars)
        rows.add_(aligned, alpha);
    }
}
