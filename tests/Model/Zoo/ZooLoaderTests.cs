using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Zoo;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Zoo;

public sealed class ZooLoaderTests
{
    [Fact]
    public void Given_a_zoo_name_then_the_loader_builds_the_planted_model_with_its_vocabulary_and_hash()
    {
        using var loaded = ModelLoader.Load("zoo:planted-induction");
        using var again = ModelLoader.Load("zoo:planted-induction", new LoadOptions { Processing = ProcessingOptions.None });
        Assert.Equal("zoo", loaded.Layout);
        Assert.Equal("zoo:planted-induction", loaded.Source);
        Assert.Equal("zoo:planted-induction", loaded.WeightsFile);
        Assert.Matches("^[0-9a-f]{64}$", loaded.WeightsSha256);
        // The hash is of the unprocessed weights, like a file's.
        Assert.Equal(loaded.WeightsSha256, again.WeightsSha256);
        Assert.Equal(PlantedInduction.BosToken, loaded.Tokenizer!.BosTokenId);
        Assert.Equal(32, loaded.Tokenizer.VocabularySize);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var planted = new PlantedInduction().Create();
        var tokens = tensor(new long[] { 0, 5, 9, 3, 7, 5, 9, 3 }).unsqueeze(0); // [1, 8]
        var expected = planted.Forward(tokens).log_softmax(-1); // [1, 8, 32]
        double diff = (loaded.Model.Forward(tokens).log_softmax(-1) - expected).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"processing changed log-probabilities by {diff:E2}");
        Assert.Equal(7, expected[0, 7].argmax().item<long>());
    }

    [Fact]
    public void Given_an_unknown_zoo_name_then_the_error_lists_the_known_models()
    {
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load("zoo:nope"));
        Assert.Contains("zoo:nope", e.Message);
        Assert.Contains("unknown zoo model", e.Message);
        Assert.Contains("zoo:planted-induction", e.Message);
    }

    [Fact]
    public void The_catalog_finds_every_model_by_name_and_each_builds_its_config()
    {
        Assert.NotEmpty(ZooCatalog.Models);
        foreach (var zoo in ZooCatalog.Models)
        {
            Assert.True(ZooCatalog.TryGet(zoo.Name, out var found));
            Assert.Same(zoo, found);
            Assert.Equal(zoo.HasGroundTruth, zoo.GroundTruthEdges.Count > 0);
            using var model = zoo.Create();
            Assert.Equal(zoo.Config with { DVocabOut = zoo.Config.EffectiveDVocabOut }, model.Config with { DVocabOut = model.Config.EffectiveDVocabOut });
            Assert.Equal(zoo.Config.DVocab, zoo.Vocabulary.Count);
        }

        Assert.False(ZooCatalog.TryGet("nope", out _));
    }
}
