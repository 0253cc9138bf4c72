using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Tokenizers;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

public sealed class SaveLoadTests
{
    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("tl-attn-only-2l-tiny")]
    [InlineData("tl-solu-1l-tiny")]
    [InlineData("gemma2-tiny")]
    [InlineData("llama3-tiny")]
    [InlineData("phi3-tiny")]
    public void Given_a_model_saved_in_the_TransformerLens_layout_when_loaded_back_then_config_and_logits_are_identical(string name)
    {
        using var original = ModelLoader.Load(FixturePaths.Model(name), new LoadOptions { Processing = ProcessingOptions.None });
        using var folder = new TemporaryFolder();
        var vocabulary = PlainVocabularyTokenizer.FromTokens(Enumerable.Range(0, original.Model.Config.DVocab).Select(i => $"t{i}"));
        TransformerLensSaver.Save(original.Model, folder.Path, vocabulary);
        using var reloaded = ModelLoader.Load(folder.Path, new LoadOptions { Processing = ProcessingOptions.None });

        Assert.Equal("transformerlens", reloaded.Layout);
        Assert.Equal(original.Model.Config with { ModelName = "x" }, reloaded.Model.Config with { ModelName = "x" });
        Assert.IsType<PlainVocabularyTokenizer>(reloaded.Tokenizer);
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.tmp"));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 }).unsqueeze(0);
        Assert.Equal(0f, (original.Model.Forward(tokens) - reloaded.Model.Forward(tokens)).abs().max().item<float>());
    }

    [Fact]
    public void Given_processing_then_the_config_records_the_folded_normalization()
    {
        using var processed = ModelLoader.Load(FixturePaths.Model("gpt2-tiny"));
        Assert.Equal(NormalizationType.LNPre, processed.Model.Config.NormalizationType);
        Assert.True(processed.Processing.FoldLn);

        using var shortformer = ModelLoader.Load(FixturePaths.Model("tl-attn-only-2l-tiny"));
        Assert.Equal(NormalizationType.LN, shortformer.Model.Config.NormalizationType);
        Assert.False(shortformer.Processing.FoldLn);
        Assert.False(shortformer.Processing.CenterWritingWeights);
        Assert.False(shortformer.Processing.CenterUnembed);
        Assert.True(shortformer.Processing.FoldValueBiases);
    }
}
