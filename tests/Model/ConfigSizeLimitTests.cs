using CircuitFinder.Model.Loading;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Model;

/// <summary>
/// A tiny config.json cannot make the loader allocate by itself: sizes are checked against sane limits and against the
/// weights present before anything is built, and masks and rotary tables follow the sequence in use, not n_ctx.
/// </summary>
public sealed class ConfigSizeLimitTests
{
    [Fact]
    public void Given_two_billion_layers_then_loading_refuses_the_config_quickly()
    {
        using var folder = FixturePaths.CopyModel("tl-attn-only-2l-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "n_layers", "2000000000");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("config.json", e.Message);
        Assert.Contains("n_layers", e.Message);
    }

    [Fact]
    public void Given_more_layers_than_the_weights_hold_then_loading_names_the_weights_file_and_both_counts()
    {
        using var folder = FixturePaths.CopyModel("tl-attn-only-2l-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "n_layers", "4000");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("model_final.pth", e.Message);
        Assert.Contains("4000", e.Message);
        Assert.Contains("2 layer", e.Message);
    }

    [Fact]
    public void Given_an_n_ctx_beyond_the_limit_then_loading_names_it()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "max_position_embeddings", "20000000");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("n_ctx", e.Message);
    }

    [Fact]
    public void Given_a_rotary_model_with_a_huge_n_ctx_then_a_two_token_run_allocates_for_two_tokens()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "max_position_embeddings", "1000000");
        long before = Environment.WorkingSet;
        using var loaded = ModelLoader.Load(folder.Path);
        using var tokens = TorchSharp.torch.tensor(new long[] { 1, 2 }).view(1, 2);
        using var logits = loaded.Model.Forward(tokens);
        Assert.Equal([1L, 2, 1000], logits.shape);
        long grown = Environment.WorkingSet - before;
        Assert.True(grown < 500L << 20, $"the working set grew by {grown >> 20} MiB (a 10⁶ × 10⁶ mask is a terabyte)");
    }

    [Theory]
    [InlineData("{\"d_model\": 32, \"n_layers\": 2,}", "trailing comma")]
    [InlineData("{\"d_model\": 32, \"n_layers\": 2, \"d_model\": 64}", "d_model")]
    public void Given_lenient_json_in_config_json_then_loading_names_the_file(string text, string expected)
    {
        using var folder = FixturePaths.CopyModel("tl-attn-only-2l-tiny");
        File.WriteAllText(folder.File("config.json"), text);
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("config.json", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
