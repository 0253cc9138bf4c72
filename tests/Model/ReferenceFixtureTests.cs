using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>Every supported fixture layout reproduces its reference logits and hook activations within 1e-4.</summary>
public sealed class ReferenceFixtureTests
{
    public static TheoryData<string, string?> Fixtures => new()
    {
        { "gpt2-tiny", null },
        { "gpt2-tiny-bin", null },
        { "tl-attn-only-2l-tiny", null },
        { "tl-gelu-2l-tiny", "model_final.pth" },
        { "tl-gelu-2l-tiny", "model_final.safetensors" },
        { "tl-solu-1l-tiny", null },
        { "tl-lnpre-1l-tiny", null },
        { "pythia-tiny", null },
        { "gpt-neo-tiny", null },
        { "llama3-tiny", null },
        { "mistral-tiny", null },
        { "qwen2-tiny", null },
        { "phi3-tiny", null },
        { "gemma2-tiny", null },
    };

    /// <summary>The fixtures of the modern decoders, which also store HuggingFace's rotary inverse frequencies.</summary>
    public static TheoryData<string> ModernDecoders => new() { "llama3-tiny", "mistral-tiny", "qwen2-tiny", "phi3-tiny", "gemma2-tiny" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Given_a_fixture_when_run_unprocessed_then_logits_and_every_activation_match_the_reference(string name, string? weights)
    {
        string folder = FixturePaths.Model(name);
        using var expected = new FixtureExpectations(folder);
        using var loaded = ModelLoader.Load(folder, new LoadOptions
        {
            Processing = ProcessingOptions.None,
            WeightsFile = weights is null ? null : Path.Combine(folder, weights),
        });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var names = expected.ActivationNames.ToList();
        var (logits, cache) = loaded.Model.RunWithCache(expected.Tokens, names);
        using (cache)
        {
            AssertClose("logits", expected.Tensors["logits"], logits, expected.Atol);
            foreach (var hook in names)
            {
                AssertClose(hook, expected.Tensors[hook], cache[hook], expected.Atol);
            }
        }

        Assert.Equal(0, loaded.Model.AttachedHookCount);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Given_a_fixture_when_weights_are_processed_then_no_log_probability_moves_more_than_1e_4(string name, string? weights)
    {
        string folder = FixturePaths.Model(name);
        string? file = weights is null ? null : Path.Combine(folder, weights);
        using var expected = new FixtureExpectations(folder);
        using var raw = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.None, WeightsFile = file });
        using var processed = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.TransformerLensDefaults, WeightsFile = file });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = raw.Model.Forward(expected.Tokens).log_softmax(-1);
        var b = processed.Model.Forward(expected.Tokens).log_softmax(-1);
        double diff = (a - b).abs().max().item<float>();
        Assert.True(diff <= 1e-4, $"{name}: processing moved a log-probability by {diff:E2} ({processed.Processing})");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Given_a_fixture_when_weights_are_processed_then_the_logits_match_the_reference_up_to_a_constant_per_position(string name, string? weights)
    {
        string folder = FixturePaths.Model(name);
        using var expected = new FixtureExpectations(folder);
        using var processed = ModelLoader.Load(folder, new LoadOptions
        {
            Processing = ProcessingOptions.TransformerLensDefaults,
            WeightsFile = weights is null ? null : Path.Combine(folder, weights),
        });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var difference = processed.Model.Forward(expected.Tokens) - expected.Tensors["logits"]; // [b, p, v]
        var centred = difference - difference.mean([-1L], keepdim: true);
        double diff = centred.abs().max().item<float>();
        Assert.True(diff <= expected.Atol, $"{name}: processed logits differ from the reference by {diff:E2} beyond a constant per position ({processed.Processing})");
    }

    [Theory]
    [MemberData(nameof(ModernDecoders))]
    public void Given_a_modern_decoder_the_rotary_inverse_frequencies_are_huggingfaces(string name)
    {
        string folder = FixturePaths.Model(name);
        using var expected = new FixtureExpectations(folder);
        using var loaded = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.None });
        var reference = expected.Tensors["model.rotary_emb.inv_freq"].to(ScalarType.Float64).data<double>().ToArray();
        var ours = CircuitFinder.Model.Modules.RotaryEmbedding.For(loaded.Model.Config).InverseFrequencies;
        Assert.Equal(reference.Length, ours.Count);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - ours[i]) <= 1e-6 * reference[i], $"{name}: inv_freq[{i}] {ours[i]:G9}, expected {reference[i]:G9}");
        }
    }

    internal static void AssertClose(string what, Tensor expected, Tensor actual, double atol)
    {
        Assert.True(
            expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        double diff = (expected - actual.to(expected.dtype)).abs().max().item<float>();
        Assert.True(diff <= atol, $"{what}: max abs error {diff:E2} > {atol:E0}");
    }
}
