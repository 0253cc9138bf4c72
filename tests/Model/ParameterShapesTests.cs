using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using Xunit;

namespace CircuitFinder.Tests.Model;

public sealed class ParameterShapesTests
{
    public static TheoryData<string, NormalizationType, ActivationFunction, bool, bool> Configs => new()
    {
        { "gpt2-like", NormalizationType.LN, ActivationFunction.GeluNew, false, false },
        { "attn-only", NormalizationType.LN, ActivationFunction.GeluNew, true, false },
        { "solu", NormalizationType.LN, ActivationFunction.SoluLn, false, false },
        { "solu-lnpre", NormalizationType.LNPre, ActivationFunction.SoluLn, false, false },
        { "rms-gated", NormalizationType.RMS, ActivationFunction.Silu, false, true },
        { "no-norm", NormalizationType.None, ActivationFunction.Relu, false, false },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Given_a_config_then_the_computed_shapes_equal_the_models_parameters(string name, NormalizationType norm, ActivationFunction act, bool attnOnly, bool gated)
    {
        var config = new HookedTransformerConfig
        {
            NLayers = 2, DModel = 16, NHeads = 2, DHead = 8, DMlp = 24, DVocab = 30, DVocabOut = 7, NCtx = 12,
            NormalizationType = norm, ActFn = act, AttnOnly = attnOnly, GatedMlp = gated, ModelName = name,
        }.Validate(name);
        using var model = new HookedTransformer(config);
        var actual = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var expected = ParameterShapes.For(config);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
    }

    [Theory]
    [InlineData(NormalizationType.RMS)]
    [InlineData(NormalizationType.RMSPre)]
    public void Given_sandwich_norms_then_ln1_post_and_ln2_post_keep_weights_whatever_the_pre_norms_are(NormalizationType norm)
    {
        var config = Patching.ModernDecoders.Gemma2(new Random(3), 3) with { NormalizationType = norm };
        using var model = new HookedTransformer(config);
        var actual = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var expected = ParameterShapes.For(config);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
        Assert.Equal([16L], actual["blocks.1.ln1_post.w"]);
        Assert.Equal([16L], actual["blocks.1.ln2_post.w"]);
    }
}
