using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// The slow, obvious path patch of one edge, written with hooks: the sender's corrupted output is swapped into that
/// one receiver's input only (input += x̃_s − x_s), everything else runs clean.
/// </summary>
internal static class SlowEdgePatch
{
    public static Tensor Run(HookedTransformer model, Tensor clean, Tensor corrupted, Edge edge)
    {
        using var noGrad = no_grad();
        var delta = SourceOutput(model, corrupted, edge.Source) - SourceOutput(model, clean, edge.Source); // [b, p, d]
        var c = model.Config;
        var dst = edge.Destination;
        switch (dst.Kind)
        {
            case NodeKind.Logits:
                return model.RunWithHooks(clean, [(HookName.ResidPost(c.NLayers - 1), (r, _) => r + delta)]);

            case NodeKind.AttentionHead:
                var channels = edge.Input is { } input
                    ? [input switch { QkvInput.Q => HookName.QInput(dst.Layer), QkvInput.K => HookName.KInput(dst.Layer), _ => HookName.VInput(dst.Layer) }]
                    : new[] { HookName.QInput(dst.Layer), HookName.KInput(dst.Layer), HookName.VInput(dst.Layer) };
                return model.RunWithHooks(clean, channels.Select(name => (name, (HookFunction)((x, _) =>
                {
                    var patched = x.clone(); // [b, p, h, d]
                    patched[TensorIndex.Colon, TensorIndex.Colon, dst.Index] += delta;
                    return patched;
                }))));

            default:
                return PatchMlpInput(model, clean, edge, delta);
        }
    }

    private static Tensor PatchMlpInput(HookedTransformer model, Tensor clean, Edge edge, Tensor delta)
    {
        var c = model.Config;
        int layer = edge.Destination.Layer;
        var block = model.Blocks[layer];
        var mlp = block.MlpModule!;
        Tensor? mlpIn = null;
        string captured = c.ParallelAttnMlp ? HookName.ResidPre(layer) : HookName.ResidMid(layer);
        Tensor Recomputed(bool linear)
        {
            var x = mlpIn! + delta;
            var y = block.Ln2 is null ? x : block.Ln2.forward(x);
            var (pre, preLinear) = mlp.PreActivations(y); // hooks fire on the inner call; they only read
            return linear ? preLinear! : pre;
        }

        Tensor Replace(Tensor current, bool linear)
        {
            var replacement = Recomputed(linear);
            if (edge.Destination.Kind != NodeKind.Neuron)
            {
                return replacement;
            }

            var patched = current.clone(); // [b, p, m]
            int n = edge.Destination.Index;
            patched[TensorIndex.Colon, TensorIndex.Colon, n] = replacement[TensorIndex.Colon, TensorIndex.Colon, n];
            return patched;
        }

        bool inside = false;
        var hooks = new List<(string, HookFunction)>
        {
            (captured, (x, _) => { mlpIn = x.clone(); return null; }),
            ($"blocks.{layer}.mlp.hook_pre", (x, _) => Guarded(ref inside, () => Replace(x, linear: false))),
        };
        if (c.GatedMlp)
        {
            hooks.Add(($"blocks.{layer}.mlp.hook_pre_linear", (x, _) => Guarded(ref inside, () => Replace(x, linear: true))));
        }

        return model.RunWithHooks(clean, hooks);
    }

    /// <summary>Runs <paramref name="compute"/> unless already inside it (the recomputation passes the same hooks).</summary>
    private static Tensor? Guarded(ref bool inside, Func<Tensor> compute)
    {
        if (inside)
        {
            return null;
        }

        inside = true;
        try
        {
            return compute();
        }
        finally
        {
            inside = false;
        }
    }

    /// <summary>What <paramref name="source"/> writes on <paramref name="tokens"/> <c>[b, p, d]</c>, read through hooks (under sandwich norms, its share of the normalized output).</summary>
    internal static Tensor SourceOutput(HookedTransformer model, Tensor tokens, Node source)
    {
        switch (source.Kind)
        {
            case NodeKind.Input:
                bool standard = model.Config.PositionalEmbeddingType == PositionalEmbeddingType.Standard;
                var (_, cache) = model.RunWithCache(tokens, standard ? [HookName.Embed, HookName.PosEmbed] : [HookName.Embed]);
                using (cache)
                {
                    return standard ? cache[HookName.Embed] + cache[HookName.PosEmbed] : cache[HookName.Embed].clone();
                }

            case NodeKind.AttentionHead:
                string scale = $"blocks.{source.Layer}.ln1_post.hook_scale";
                bool sandwich = model.Config.UseNormalizationBeforeAndAfter;
                var (_, heads) = model.RunWithCache(tokens, sandwich ? [HookName.Result(source.Layer), scale] : [HookName.Result(source.Layer)]);
                using (heads)
                {
                    var result = heads[HookName.Result(source.Layer)][TensorIndex.Colon, TensorIndex.Colon, source.Index]; // [b, p, d]
                    if (!sandwich)
                    {
                        return result.clone();
                    }

                    // the head's share of the normalized output: (result + b_O / n_heads) · w / σ
                    var block = model.Blocks[source.Layer];
                    return (result + (block.Attn.b_O / model.Config.NHeads)) * block.Ln1Post!.Weight! / heads[scale];
                }

            case NodeKind.Mlp:
                var (_, mlps) = model.RunWithCache(tokens, [HookName.MlpOut(source.Layer)]);
                using (mlps)
                {
                    return mlps[HookName.MlpOut(source.Layer)].clone();
                }

            default:
                string mlpScale = $"blocks.{source.Layer}.ln2_post.hook_scale";
                bool normalized = model.Config.UseNormalizationBeforeAndAfter;
                var (_, posts) = model.RunWithCache(tokens, normalized ? [HookName.MlpPost(source.Layer), mlpScale] : [HookName.MlpPost(source.Layer)]);
                using (posts)
                {
                    var post = posts[HookName.MlpPost(source.Layer)][TensorIndex.Colon, TensorIndex.Colon, source.Index]; // [b, p]
                    var mlp = model.Blocks[source.Layer].MlpModule!;
                    var output = post.unsqueeze(-1) * mlp.W_out[source.Index]; // [b, p, d]
                    return normalized
                        ? (output + (mlp.b_out / model.Config.DMlp)) * model.Blocks[source.Layer].Ln2Post!.Weight! / posts[mlpScale]
                        : output;
                }
        }
    }
}
