using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Processing;

/// <summary>
/// TransformerLens' weight processing on a state dict in TransformerLens keys, in its order: fold LayerNorm,
/// centre writing weights, centre unembed, fold value biases. Each step leaves every log-probability unchanged.
/// Steps that cannot preserve the function are skipped as TransformerLens skips them: nothing for shortformer
/// models but value-bias folding; folding only LN/RMS; centring writing weights only with LN/LNPre. Gemma 2: the pre-norms
/// (ln1, ln2, ln_final) fold as any RMS norm, the sandwich norms (ln1_post, ln2_post) keep their weights (nothing
/// downstream reads their output alone: it is added to the residual stream); the unembedding is not centred under a
/// logit soft-cap (c·tanh(l / c) is not invariant to a constant added per position); value biases are not folded under
/// sandwich norms (exact for the model, but it would move each head's value-bias share into the output bias that the
/// heads' outputs split evenly, changing what a head node writes).
/// </summary>
public static class WeightProcessing
{
    /// <summary>The options actually applicable to <paramref name="config"/>.</summary>
    public static ProcessingOptions Effective(HookedTransformerConfig config, ProcessingOptions requested)
    {
        bool shortformer = config.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer;
        bool foldable = config.NormalizationType is NormalizationType.LN or NormalizationType.RMS;
        bool centerable = config.NormalizationType is NormalizationType.LN or NormalizationType.LNPre;
        return new ProcessingOptions
        {
            FoldLn = requested.FoldLn && !shortformer && foldable,
            CenterWritingWeights = requested.CenterWritingWeights && !shortformer && centerable,
            CenterUnembed = requested.CenterUnembed && !shortformer && !config.HasOutputSoftCap,
            FoldValueBiases = requested.FoldValueBiases && !config.UseNormalizationBeforeAndAfter,
        };
    }

    /// <summary>
    /// Processes <paramref name="weights"/> (not modified) and returns the new config, new weights (owned by the caller)
    /// and the options applied.
    /// </summary>
    public static (HookedTransformerConfig Config, Dictionary<string, Tensor> Weights, ProcessingOptions Applied) Apply(
        HookedTransformerConfig config, IReadOnlyDictionary<string, Tensor> weights, ProcessingOptions requested)
    {
        var applied = Effective(config, requested);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var w = weights.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone(), StringComparer.Ordinal);
        try
        {
            if (applied.FoldLn)
            {
                FoldLayerNorm(config, w);
                config = config with
                {
                    NormalizationType = config.NormalizationType == NormalizationType.LN ? NormalizationType.LNPre : NormalizationType.RMSPre,
                };
            }

            if (applied.CenterWritingWeights)
            {
                CenterWritingWeights(config, w);
            }

            if (applied.CenterUnembed)
            {
                Replace(w, "unembed.W_U", w["unembed.W_U"] - w["unembed.W_U"].mean([-1L], keepdim: true));
                Replace(w, "unembed.b_U", w["unembed.b_U"] - w["unembed.b_U"].mean());
            }

            if (applied.FoldValueBiases)
            {
                FoldValueBiases(config, w);
            }

            foreach (var t in w.Values)
            {
                t.DetachFromDisposeScope();
            }

            return (config, w, applied);
        }
        catch
        {
            foreach (var t in w.Values)
            {
                t.Dispose();
            }

            throw;
        }
    }

    private static void FoldLayerNorm(HookedTransformerConfig config, Dictionary<string, Tensor> w)
    {
        bool withBias = config.NormalizationType == NormalizationType.LN;
        bool center = withBias; // LNPre centres its input, so reading weights may be centred over d_model too
        for (int l = 0; l < config.NLayers; l++)
        {
            string ln1 = $"blocks.{l}.ln1";
            foreach (var x in new[] { "Q", "K", "V" })
            {
                string wKey = $"blocks.{l}.attn.W_{x}", bKey = $"blocks.{l}.attn.b_{x}";
                var weight = w[wKey]; // [h, d, e]
                if (withBias)
                {
                    Replace(w, bKey, w[bKey] + (weight * w[$"{ln1}.b"].view(1, -1, 1)).sum([-2L])); // [h, e]
                }

                var folded = weight * w[$"{ln1}.w"].view(1, -1, 1);
                Replace(w, wKey, center ? folded - folded.mean([-2L], keepdim: true) : folded);
            }

            Remove(w, $"{ln1}.w");
            Remove(w, $"{ln1}.b");
            if (config.HasMlp)
            {
                string ln2 = $"blocks.{l}.ln2";
                foreach (var key in config.GatedMlp ? new[] { $"blocks.{l}.mlp.W_in", $"blocks.{l}.mlp.W_gate" } : new[] { $"blocks.{l}.mlp.W_in" })
                {
                    var weight = w[key]; // [d, m]
                    if (withBias && key.EndsWith("W_in", StringComparison.Ordinal))
                    {
                        Replace(w, $"blocks.{l}.mlp.b_in", w[$"blocks.{l}.mlp.b_in"] + (weight * w[$"{ln2}.b"].view(-1, 1)).sum([0L]));
                    }

                    var folded = weight * w[$"{ln2}.w"].view(-1, 1);
                    Replace(w, key, center ? folded - folded.mean([0L], keepdim: true) : folded);
                }

                Remove(w, $"{ln2}.w");
                Remove(w, $"{ln2}.b");
                if (config.ActFn == ActivationFunction.SoluLn)
                {
                    // SoLU's mlp.ln (over d_mlp) folds into W_out: LNPre(mid) · w + b, then W_out.
                    string ln = $"blocks.{l}.mlp.ln", wOut = $"blocks.{l}.mlp.W_out";
                    Replace(w, $"blocks.{l}.mlp.b_out", w[$"blocks.{l}.mlp.b_out"] + (w[wOut] * w[$"{ln}.b"].view(-1, 1)).sum([0L]));
                    Replace(w, wOut, w[wOut] * w[$"{ln}.w"].view(-1, 1));
                    Remove(w, $"{ln}.w");
                    Remove(w, $"{ln}.b");
                }
            }
        }

        var wU = w["unembed.W_U"]; // [d, v]
        if (withBias)
        {
            Replace(w, "unembed.b_U", w["unembed.b_U"] + (wU * w["ln_final.b"].view(-1, 1)).sum([0L]));
        }

        var foldedU = wU * w["ln_final.w"].view(-1, 1);
        Replace(w, "unembed.W_U", center ? foldedU - foldedU.mean([0L], keepdim: true) : foldedU);
        Remove(w, "ln_final.w");
        Remove(w, "ln_final.b");
    }

    private static void CenterWritingWeights(HookedTransformerConfig config, Dictionary<string, Tensor> w)
    {
        Tensor Centered(Tensor t) => t - t.mean([-1L], keepdim: true);
        Replace(w, "embed.W_E", Centered(w["embed.W_E"]));
        if (w.ContainsKey("pos_embed.W_pos"))
        {
            Replace(w, "pos_embed.W_pos", Centered(w["pos_embed.W_pos"]));
        }

        for (int l = 0; l < config.NLayers; l++)
        {
            Replace(w, $"blocks.{l}.attn.W_O", Centered(w[$"blocks.{l}.attn.W_O"]));
            Replace(w, $"blocks.{l}.attn.b_O", Centered(w[$"blocks.{l}.attn.b_O"]));
            if (config.HasMlp)
            {
                Replace(w, $"blocks.{l}.mlp.W_out", Centered(w[$"blocks.{l}.mlp.W_out"]));
                Replace(w, $"blocks.{l}.mlp.b_out", Centered(w[$"blocks.{l}.mlp.b_out"]));
            }
        }
    }

    private static void FoldValueBiases(HookedTransformerConfig config, Dictionary<string, Tensor> w)
    {
        for (int l = 0; l < config.NLayers; l++)
        {
            var bV = w[$"blocks.{l}.attn.b_V"]; // [kv, e]: one per key/value head
            var wO = w[$"blocks.{l}.attn.W_O"]; // [h, e, d]
            var perQueryHead = config.KeyValueGroupSize == 1 ? bV : bV.repeat_interleave(config.KeyValueGroupSize, 0); // [h, e]
            var folded = einsum("he,hed->d", perQueryHead, wO); // [d]
            Replace(w, $"blocks.{l}.attn.b_O", w[$"blocks.{l}.attn.b_O"] + folded);
            Replace(w, $"blocks.{l}.attn.b_V", zeros_like(bV));
        }
    }

    private static void Replace(Dictionary<string, Tensor> w, string key, Tensor value)
    {
        value.DetachFromDisposeScope();
        if (w.Remove(key, out var old) && !ReferenceEquals(old, value))
        {
            old.Dispose();
        }

        w[key] = value;
    }

    private static void Remove(Dictionary<string, Tensor> w, string key)
    {
        if (w.Remove(key, out var old))
        {
            old.Dispose();
        }
    }
}
