using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Patching.ActivationPatching;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.ActivationPatching;

/// <summary>Fixture models, prompts and the metric shared by the patching tests.</summary>
internal static class PatchingTestModels
{
    public const double Tolerance = 1e-5;

    /// <summary>Logit of token 5 minus logit of token 7 at the last position, averaged over the batch.</summary>
    public static PatchingMetric LogitDifference { get; } = logits =>
        (logits.select(1, -1).select(1, 5).mean() - logits.select(1, -1).select(1, 7).mean()).item<float>(); // [b, p, v] -> scalar

    public static LoadedModel Load(string name) => ModelLoader.Load(FixturePaths.Model(name), new LoadOptions { Processing = ProcessingOptions.None });

    /// <summary>Two clean prompts of six tokens <c>[2, 6]</c>.</summary>
    public static Tensor Clean() => tensor(new long[,] { { 10, 69, 10, 25, 30, 37 }, { 3, 44, 91, 25, 12, 8 } });

    /// <summary>The clean prompts with tokens 1 and 3 changed <c>[2, 6]</c>.</summary>
    public static Tensor Corrupted() => tensor(new long[,] { { 10, 71, 10, 120, 30, 37 }, { 3, 150, 91, 77, 12, 8 } });

    public static void AssertClose(double expected, double actual, string what) =>
        Xunit.Assert.True(Math.Abs(expected - actual) < Tolerance, $"{what}: expected {expected}, got {actual}");
}
