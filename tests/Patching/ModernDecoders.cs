using CircuitFinder.Model.Config;

namespace CircuitFinder.Tests.Patching;

/// <summary>The random configs of the modern decoder families that <see cref="RandomModels.Config"/> draws.</summary>
internal static class ModernDecoders
{
    private static HookedTransformerConfig Decoder(Random random, int seed, string family)
    {
        var (heads, keyValueHeads) = RandomModels.Pick(random, (4, 2), (4, 1), (2, 1));
        return new HookedTransformerConfig
        {
            NLayers = RandomModels.Pick(random, 2, 3),
            DModel = 16,
            NHeads = heads,
            NKeyValueHeads = keyValueHeads,
            DHead = 4,
            DMlp = 12,
            DVocab = 23,
            NCtx = 10,
            ActFn = ActivationFunction.Silu,
            GatedMlp = true,
            NormalizationType = NormalizationType.RMS,
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            ModelName = $"random-{family}-{seed}",
        };
    }

    /// <summary>Mistral: a sliding window on every layer.</summary>
    public static HookedTransformerConfig Mistral(Random random, int seed)
    {
        var c = Decoder(random, seed, "mistral");
        return (c with
        {
            AttnTypes = new AttentionLayerTypes(Enumerable.Repeat(AttentionType.Local, c.NLayers).ToList()),
            WindowSize = RandomModels.Pick(random, 2, 3),
        }).Validate($"random Mistral config {seed}");
    }

    /// <summary>Qwen2 (q/k/v biases: random weights give every bias a value) or Llama 3 (rope scaling that moves frequencies).</summary>
    public static HookedTransformerConfig Qwen2OrLlama3(Random random, int seed)
    {
        bool llama3 = random.Next(2) == 0;
        var c = Decoder(random, seed, llama3 ? "llama3" : "qwen2");
        return (llama3
            ? c with { UseNtkByPartsRope = true, NtkByPartsFactor = 4, NtkOriginalCtxLen = 8, RotaryBase = 500 }
            : c with { RotaryBase = 1e6 }).Validate($"random config {seed}");
    }

    /// <summary>Phi-3: partial rotary (the fused matrices are a storage format, split on loading).</summary>
    public static HookedTransformerConfig Phi3(Random random, int seed) =>
        (Decoder(random, seed, "phi3") with { RotaryDim = 2 }).Validate($"random Phi-3 config {seed}");

    /// <summary>Gemma 2: sandwich norms, soft-capped scores and logits, GeGLU, alternating local and global layers.</summary>
    public static HookedTransformerConfig Gemma2(Random random, int seed)
    {
        var c = Decoder(random, seed, "gemma2");
        return (c with
        {
            DHead = 6, // apart from d_model / n_heads, as Gemma 2's head_dim
            ActFn = ActivationFunction.GeluNew,
            AttnScale = Math.Sqrt(RandomModels.Pick(random, 3.0, 5.0)),
            AttnScoresSoftCap = RandomModels.Pick(random, 0.5, 1.0),
            OutputLogitsSoftCap = RandomModels.Pick(random, 0.5, 2.0),
            UseNormalizationBeforeAndAfter = true,
            AttnTypes = new AttentionLayerTypes(Enumerable.Range(0, c.NLayers).Select(l => l % 2 == 0 ? AttentionType.Local : AttentionType.Global).ToList()),
            WindowSize = RandomModels.Pick(random, 2, 3),
        }).Validate($"random Gemma 2 config {seed}");
    }
}
