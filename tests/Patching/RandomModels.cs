using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>Small random models of every architecture the model layer supports, chosen deterministically from a seed.</summary>
public static class RandomModels
{
    public static HookedTransformerConfig Config(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(params T[] options) => options[random.Next(options.Length)];
        bool attnOnly = random.Next(4) == 0;
        var act = Pick(ActivationFunction.GeluNew, ActivationFunction.Gelu, ActivationFunction.Relu, ActivationFunction.SoluLn, ActivationFunction.Silu);
        return new HookedTransformerConfig
        {
            NLayers = Pick(1, 2, 3),
            DModel = 16,
            NHeads = Pick(2, 3),
            DHead = 4,
            DMlp = attnOnly ? 0 : 12,
            DVocab = 23,
            DVocabOut = Pick(23, 5),
            NCtx = 10,
            ActFn = act,
            GatedMlp = act == ActivationFunction.Silu,
            NormalizationType = Pick(NormalizationType.LN, NormalizationType.LNPre, NormalizationType.RMS, NormalizationType.RMSPre, NormalizationType.None),
            AttnOnly = attnOnly,
            PositionalEmbeddingType = Pick(PositionalEmbeddingType.Standard, PositionalEmbeddingType.Shortformer),
            AttentionDir = Pick(AttentionDirection.Causal, AttentionDirection.Causal, AttentionDirection.Bidirectional),
            ParallelAttnMlp = !attnOnly && random.Next(3) == 0,
            ModelName = $"random-{seed}",
        }.Validate($"random config {seed}");
    }

    public static HookedTransformer Model(HookedTransformerConfig config, int seed) =>
        RandomWeights.CreateModel(config, seed, std: 0.25);

    /// <summary>
    /// The same model with float64 weights, for finite-difference oracles. Modules create their weights in the default
    /// dtype, which is process-wide: only tests in the <see cref="Float64Collection"/> (run alone) may call this.
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
        ComputeGraph.Build(new GraphShape(c.NLayers, c.NHeads, c.DMlp, c.AttnOnly, c.ParallelAttnMlp), level);

    public static Tensor Tokens(int seed, long batch, long pos, int vocab) =>
        randint(0, vocab, [batch, pos], generator: new Generator((ulong)seed));
}
