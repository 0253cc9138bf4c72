using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>Small random models of every architecture the model layer supports, chosen deterministically from a seed.</summary>
public static class RandomModels
{
    /// <summary>
    /// A random config: an eighth each of GPT-NeoX-style (partial rotary, parallel attention and MLP), GPT-Neo-style
    /// (unscaled scores, global and local layers), Llama-style (RMSNorm, full rotary, gated MLP, grouped-query
    /// attention), Llama 3 (rope scaling), Mistral (a sliding window on every layer), Qwen2 (q/k/v biases), Phi-3
    /// (partial rotary) and Gemma 2 (sandwich norms, soft-caps, GeGLU, local and global layers, head_dim apart from
    /// d_model / n_heads), and the general mix of everything else. Seeds 0–3 (mod 8) draw the first four as before.
    /// </summary>
    public static HookedTransformerConfig Config(int seed)
    {
        var random = new Random(seed);
        return (Math.Abs(seed) % 8) switch
        {
            1 => NeoX(random, seed),
            2 => Neo(random, seed),
            3 => Llama(random, seed),
            4 => ModernDecoders.Gemma2(random, seed),
            5 => ModernDecoders.Mistral(random, seed),
            6 => ModernDecoders.Qwen2OrLlama3(random, seed),
            7 => ModernDecoders.Phi3(random, seed),
            _ => Mixed(random, seed),
        };
    }

    internal static T Pick<T>(Random random, params T[] options) => options[random.Next(options.Length)];

    private static HookedTransformerConfig Mixed(Random random, int seed)
    {
        bool attnOnly = random.Next(4) == 0;
        var act = Pick(random, ActivationFunction.GeluNew, ActivationFunction.Gelu, ActivationFunction.Relu, ActivationFunction.SoluLn, ActivationFunction.Silu);
        return new HookedTransformerConfig
        {
            NLayers = Pick(random, 1, 2, 3),
            DModel = 16,
            NHeads = Pick(random, 2, 3),
            DHead = 4,
            DMlp = attnOnly ? 0 : 12,
            DVocab = 23,
            DVocabOut = Pick(random, 23, 5),
            NCtx = 10,
            ActFn = act,
            GatedMlp = act == ActivationFunction.Silu,
            NormalizationType = Pick(random, NormalizationType.LN, NormalizationType.LNPre, NormalizationType.RMS, NormalizationType.RMSPre, NormalizationType.None),
            AttnOnly = attnOnly,
            PositionalEmbeddingType = Pick(random, PositionalEmbeddingType.Standard, PositionalEmbeddingType.Shortformer),
            AttentionDir = Pick(random, AttentionDirection.Causal, AttentionDirection.Causal, AttentionDirection.Bidirectional),
            ParallelAttnMlp = !attnOnly && random.Next(3) == 0,
            ModelName = $"random-{seed}",
        }.Validate($"random config {seed}");
    }

    private static HookedTransformerConfig NeoX(Random random, int seed) => new HookedTransformerConfig
    {
        NLayers = Pick(random, 1, 2, 3),
        DModel = 16,
        NHeads = Pick(random, 2, 3),
        DHead = 4,
        DMlp = 12,
        DVocab = 23,
        NCtx = 10,
        ActFn = ActivationFunction.Gelu,
        NormalizationType = Pick(random, NormalizationType.LN, NormalizationType.LNPre),
        PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
        RotaryDim = Pick(random, 2, 4),
        ParallelAttnMlp = random.Next(4) != 0,
        ModelName = $"random-neox-{seed}",
    }.Validate($"random GPT-NeoX config {seed}");

    private static HookedTransformerConfig Neo(Random random, int seed)
    {
        int layers = Pick(random, 1, 2, 3);
        return new HookedTransformerConfig
        {
            NLayers = layers,
            DModel = 16,
            NHeads = Pick(random, 2, 3),
            DHead = 4,
            DMlp = 12,
            DVocab = 23,
            NCtx = 10,
            ActFn = ActivationFunction.GeluNew,
            NormalizationType = NormalizationType.LN,
            UseAttnScale = false,
            AttnTypes = new AttentionLayerTypes(Enumerable.Range(0, layers).Select(l => l % 2 == 0 ? AttentionType.Local : AttentionType.Global).ToList()),
            WindowSize = Pick(random, 2, 3),
            ModelName = $"random-neo-{seed}",
        }.Validate($"random GPT-Neo config {seed}");
    }

    private static HookedTransformerConfig Llama(Random random, int seed)
    {
        var (heads, keyValueHeads) = Pick(random, (4, 2), (4, 1), (2, 1), (3, 3));
        return new HookedTransformerConfig
        {
            NLayers = Pick(random, 1, 2, 3),
            DModel = 16,
            NHeads = heads,
            NKeyValueHeads = keyValueHeads,
            DHead = 4,
            DMlp = 12,
            DVocab = 23,
            NCtx = 10,
            ActFn = ActivationFunction.Silu,
            GatedMlp = true,
            NormalizationType = Pick(random, NormalizationType.RMS, NormalizationType.RMSPre),
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            ModelName = $"random-llama-{seed}",
        }.Validate($"random Llama config {seed}");
    }

    public static HookedTransformer Model(HookedTransformerConfig config, int seed) =>
        RandomWeights.CreateModel(config, seed, std: 0.25);

    /// <summary>
    /// The same model with float64 weights, for finite-difference oracles. Modules create their weights in the default
    /// dtype, which is process-wide: only tests in the <see cref="SerialCollection"/> (run alone) may call this.
    /// </summary>
    public static HookedTransformer Float64Model(HookedTransformerConfig config, int seed)
    {
        using var source = Model(config, seed);
        var weights = source.ToStateDict();
        var previous = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        try
        {
            return HookedTransformer.Create(config, weights, $"{config.ModelName} (float64)");
        }
        finally
        {
            set_default_dtype(previous);
            foreach (var w in weights.Values)
            {
                w.Dispose();
            }
        }
    }

    public static ComputeGraph Graph(HookedTransformerConfig c, GraphLevel level) =>
        ModelGraph.Build(c, level);

    public static Tensor Tokens(int seed, long batch, long pos, int vocab) =>
        randint(0, vocab, [batch, pos], generator: new Generator((ulong)seed));
}
