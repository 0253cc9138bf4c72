using CircuitFinder.Model.Config;

namespace CircuitFinder.Model;

/// <summary>
/// The TransformerLens parameter names and shapes a config implies, computed without building a model, so that a
/// checkpoint can be checked key by key before any processing. (A test pins it to <see cref="HookedTransformer"/>'s own.)
/// </summary>
public static class ParameterShapes
{
    public static IReadOnlyDictionary<string, long[]> For(HookedTransformerConfig c)
    {
        long d = c.DModel, h = c.NHeads, e = c.DHead, m = c.DMlp;
        bool weighted = c.NormalizationType is NormalizationType.LN or NormalizationType.RMS;
        bool biased = c.NormalizationType == NormalizationType.LN;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["embed.W_E"] = [c.DVocab, d] };
        if (c.PositionalEmbeddingType != PositionalEmbeddingType.Rotary)
        {
            shapes["pos_embed.W_pos"] = [c.NCtx, d];
        }

        void Norm(string prefix, long length, bool hasWeight, bool hasBias)
        {
            if (hasWeight)
            {
                shapes[prefix + ".w"] = [length];
            }

            if (hasBias)
            {
                shapes[prefix + ".b"] = [length];
            }
        }

        for (int l = 0; l < c.NLayers; l++)
        {
            string p = $"blocks.{l}.";
            Norm(p + "ln1", d, weighted, biased);
            foreach (var x in new[] { "Q", "K", "V" })
            {
                long heads = x == "Q" ? h : c.EffectiveNKeyValueHeads; // keys and values: one per key/value head
                shapes[$"{p}attn.W_{x}"] = [heads, d, e];
                shapes[$"{p}attn.b_{x}"] = [heads, e];
            }

            shapes[p + "attn.W_O"] = [h, e, d];
            shapes[p + "attn.b_O"] = [d];
            if (c.UseNormalizationBeforeAndAfter)
            {
                Norm(p + "ln1_post", d, true, false); // always weighted: nothing downstream can absorb its scale
            }

            if (c.HasMlp)
            {
                Norm(p + "ln2", d, weighted, biased);
                shapes[p + "mlp.W_in"] = [d, m];
                shapes[p + "mlp.b_in"] = [m];
                if (c.GatedMlp)
                {
                    shapes[p + "mlp.W_gate"] = [d, m];
                }

                if (c.ActFn == ActivationFunction.SoluLn)
                {
                    Norm(p + "mlp.ln", m, biased, biased);
                }

                shapes[p + "mlp.W_out"] = [m, d];
                shapes[p + "mlp.b_out"] = [d];
                if (c.UseNormalizationBeforeAndAfter)
                {
                    Norm(p + "ln2_post", d, true, false);
                }
            }
        }

        Norm("ln_final", d, weighted, biased);
        shapes["unembed.W_U"] = [d, c.EffectiveDVocabOut];
        shapes["unembed.b_U"] = [c.EffectiveDVocabOut];
        return shapes;
    }

    /// <summary>
    /// Checks <paramref name="weights"/> has exactly the keys and shapes <paramref name="config"/> implies; errors name
    /// <paramref name="source"/>, the key and both shapes.
    /// </summary>
    public static void Check(HookedTransformerConfig config, IReadOnlyDictionary<string, TorchSharp.torch.Tensor> weights, string source)
    {
        CheckLayerCount(config, weights.Keys, source); // before For, which lists every layer's keys
        var expected = For(config);
        foreach (var key in weights.Keys.Order(StringComparer.Ordinal))
        {
            if (!expected.ContainsKey(key))
            {
                throw new BadInputException($"{source}: unexpected key '{key}' for this configuration");
            }
        }

        foreach (var (key, shape) in expected)
        {
            if (!weights.TryGetValue(key, out var value))
            {
                throw new BadInputException($"{source}: missing key '{key}' (expected shape [{string.Join(", ", shape)}])");
            }

            if (!value.shape.SequenceEqual(shape))
            {
                throw new BadInputException(
                    $"{source}: key '{key}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", shape)}] from the config");
            }
        }
    }

    /// <summary>
    /// The layers the weights hold (<c>blocks.N.</c> keys) against the config's n_layers, so that a config asking for
    /// far more layers than the file holds is refused before anything sized by n_layers is built.
    /// </summary>
    private static void CheckLayerCount(HookedTransformerConfig config, IEnumerable<string> keys, string source)
    {
        int present = 0;
        foreach (var key in keys)
        {
            if (key.StartsWith("blocks.", StringComparison.Ordinal))
            {
                int dot = key.IndexOf('.', 7);
                if (dot > 7 && int.TryParse(key.AsSpan(7, dot - 7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int layer))
                {
                    present = Math.Max(present, layer + 1);
                }
            }
        }

        if (config.NLayers > present)
        {
            throw new BadInputException(
                $"{source}: missing key 'blocks.{present}.*': the config's n_layers is {config.NLayers} but the weights hold {present} layer(s)");
        }
    }
}
