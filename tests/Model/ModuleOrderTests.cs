using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>
/// The order of <c>named_parameters()</c>, <c>named_modules()</c>, <c>named_buffers()</c> and
/// <see cref="HookedTransformer.HookNames"/> is part of the model's contract: random weights are drawn in parameter
/// order, state dicts are written in it, and hook lists are shown in it. The golden files in
/// <c>Fixtures/module-order</c> were recorded from this code at commit dd04c2d, when every module still registered
/// its components by explicit <c>register_module</c>/<c>register_parameter</c> calls.
/// </summary>
public sealed class ModuleOrderTests
{
    // Declared first: static initializers run in textual order, and Configs reads it.
    private static HookedTransformerConfig Base { get; } = new()
    {
        NLayers = 2,
        DModel = 16,
        NHeads = 4,
        DHead = 4,
        DMlp = 32,
        DVocab = 11,
        NCtx = 6,
    };

    public static TheoryData<string> ConfigNames => new(Configs.Keys);

    /// <summary>Small configurations covering each optional component (2 layers, so block order shows too).</summary>
    public static IReadOnlyDictionary<string, HookedTransformerConfig> Configs { get; } = new Dictionary<string, HookedTransformerConfig>
    {
        ["gpt2-like"] = Base with { ModelName = "gpt2-like" },
        ["attn-only"] = Base with { AttnOnly = true, DMlp = 0, ModelName = "attn-only" },
        ["neox-rotary-parallel"] = Base with
        {
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            RotaryDim = 2,
            ParallelAttnMlp = true,
            ActFn = ActivationFunction.Gelu,
            ModelName = "neox-rotary-parallel",
        },
        ["llama-gated-gqa"] = Base with
        {
            NormalizationType = NormalizationType.RMS,
            PositionalEmbeddingType = PositionalEmbeddingType.Rotary,
            GatedMlp = true,
            ActFn = ActivationFunction.Silu,
            NKeyValueHeads = 2,
            ModelName = "llama-gated-gqa",
        },
        ["solu-ln"] = Base with { ActFn = ActivationFunction.SoluLn, ModelName = "solu-ln" },
        ["no-normalization"] = Base with { NormalizationType = NormalizationType.None, ModelName = "no-normalization" },
    };

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void Given_a_configuration_when_building_the_model_then_parameters_modules_buffers_and_hooks_keep_their_recorded_order(string config)
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "module-order", config + ".txt"))
            .Where(l => !l.StartsWith("//", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(expected, Describe(Configs[config]));
    }

    [Fact]
    public void Given_a_rotary_local_attention_model_when_forwards_have_built_its_caches_then_none_of_them_is_a_buffer()
    {
        var config = Configs["neox-rotary-parallel"] with
        {
            AttnTypes = new AttentionLayerTypes([AttentionType.Local, AttentionType.Global]),
            WindowSize = 2,
            ModelName = "neox-local",
        };
        using var model = RandomWeights.CreateModel(config.Validate(config.ModelName), seed: 0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(new long[] { 1, 2, 3, 4, 5, 6 }).unsqueeze(0); // [1, 6]: causal mask, far keys, fused q/k/v built
        model.Forward(tokens);
        model.Forward(tokens, ones_like(tokens));
        Assert.Empty(model.named_buffers());
        Assert.Empty(model.state_dict().Keys.Except(model.named_parameters().Select(p => p.name)));
    }

    /// <summary>The model's components as lines: a section header, then one name (and shape) per line.</summary>
    public static List<string> Describe(HookedTransformerConfig config)
    {
        using var model = new HookedTransformer(config.Validate(config.ModelName));
        var lines = new List<string> { "# parameters" };
        lines.AddRange(model.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]"));
        lines.Add("# buffers");
        lines.AddRange(model.named_buffers().Select(b => b.name));
        lines.Add("# modules");
        lines.AddRange(model.named_modules().Select(m => $"{m.name} {m.module.GetType().Name}"));
        lines.Add("# hooks");
        lines.AddRange(model.HookNames);
        return lines;
    }
}
