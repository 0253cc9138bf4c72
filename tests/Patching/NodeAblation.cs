using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// The slow, obvious node ablation written with hooks: the node's output in the clean run is replaced by its output on
/// the corrupted prompts, everywhere downstream.
/// </summary>
internal static class NodeAblation
{
    public static Tensor Run(HookedTransformer model, Tensor clean, Tensor corrupted, Node node)
    {
        using var noGrad = no_grad();
        if (model.Config.UseNormalizationBeforeAndAfter && node.Kind is NodeKind.AttentionHead or NodeKind.Neuron)
        {
            // under sandwich norms a head (neuron) writes its share of the normalized output: swap that share in the
            // residual stream, leaving the layer's other shares (and their σ) as they are
            var delta = SlowEdgePatch.SourceOutput(model, corrupted, node) - SlowEdgePatch.SourceOutput(model, clean, node); // [b, p, d]
            string output = node.Kind == NodeKind.AttentionHead ? HookName.AttnOut(node.Layer) : HookName.MlpOut(node.Layer);
            return model.RunWithHooks(clean, [(output, (x, _) => x + delta)]);
        }

        switch (node.Kind)
        {
            case NodeKind.Input:
                var names = model.Config.PositionalEmbeddingType == PositionalEmbeddingType.Standard
                    ? new[] { HookName.Embed, HookName.PosEmbed }
                    : new[] { HookName.Embed };
                var (_, inputCache) = model.RunWithCache(corrupted, names);
                using (inputCache)
                {
                    return model.RunWithHooks(clean, names.Select(n => (n, (HookFunction)((_, _) => inputCache[n].clone()))));
                }

            case NodeKind.AttentionHead:
                var (_, headCache) = model.RunWithCache(corrupted, [HookName.Result(node.Layer)]);
                using (headCache)
                {
                    return model.RunWithHooks(clean, [(HookName.Result(node.Layer), (r, _) =>
                    {
                        var patched = r.clone();
                        patched[TensorIndex.Colon, TensorIndex.Colon, node.Index] = headCache[HookName.Result(node.Layer)][TensorIndex.Colon, TensorIndex.Colon, node.Index];
                        return patched;
                    })]);
                }

            case NodeKind.Mlp:
                var (_, mlpCache) = model.RunWithCache(corrupted, [HookName.MlpOut(node.Layer)]);
                using (mlpCache)
                {
                    return model.RunWithHooks(clean, [(HookName.MlpOut(node.Layer), (_, _) => mlpCache[HookName.MlpOut(node.Layer)].clone())]);
                }

            case NodeKind.Neuron:
                var (_, neuronCache) = model.RunWithCache(corrupted, [HookName.MlpPost(node.Layer)]);
                using (neuronCache)
                {
                    return model.RunWithHooks(clean, [(HookName.MlpPost(node.Layer), (post, _) =>
                    {
                        var patched = post.clone();
                        patched[TensorIndex.Colon, TensorIndex.Colon, node.Index] = neuronCache[HookName.MlpPost(node.Layer)][TensorIndex.Colon, TensorIndex.Colon, node.Index];
                        return patched;
                    })]);
                }

            default:
                throw new ArgumentException($"{node.Id} is not a source");
        }
    }
}
