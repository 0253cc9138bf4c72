using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Training;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Training;

/// <summary>The models shipped under <c>zoo/</c> load and reproduce the logits saved beside them when they were trained.</summary>
public sealed class ShippedZooTests
{
    public static TheoryData<string> Shipped => new(ToyModelRecipes.Names);

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Given_a_shipped_toy_model_when_loaded_then_it_reproduces_its_expected_logits(string name)
    {
        string folder = ShippedZoo.Folder(name);
        using var loaded = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.None });
        var expected = ExpectedLogits.Read(folder);
        try
        {
            Assert.NotEmpty(expected);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (tokens, logits) in expected)
            {
                var actual = loaded.Model.Forward(tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0)).squeeze(0); // [p, v]
                Assert.Equal(logits.shape, actual.shape);
                Assert.True((actual - logits).abs().max().item<float>() <= 1e-5f, $"{name}: logits differ from {ExpectedLogits.TensorFile}");
            }
        }
        finally
        {
            foreach (var (_, logits) in expected)
            {
                logits.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Given_a_shipped_toy_model_then_it_has_a_vocabulary_and_a_training_record_naming_its_recipe(string name)
    {
        string folder = ShippedZoo.Folder(name);
        using var loaded = ModelLoader.Load(folder);

        Assert.IsType<PlainVocabularyTokenizer>(loaded.Tokenizer);
        Assert.Equal(name, loaded.Model.Config.ModelName);
        var training = JObject.Parse(File.ReadAllText(Path.Combine(folder, "training.json")));
        Assert.Equal(name, (string?)training["recipe"]);
        Assert.True((int)training["steps"]! > 0);
    }

    [Fact]
    public void Given_the_shipped_two_layer_model_then_its_checkpoints_are_log_spaced_and_load()
    {
        string folder = ShippedZoo.Folder("attn-only-2l");
        var steps = Directory.GetDirectories(Path.Combine(folder, "checkpoints"))
            .Select(d => int.Parse(Path.GetFileName(d)["step_".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        var training = JObject.Parse(File.ReadAllText(Path.Combine(folder, "training.json")));

        Assert.InRange(steps.Count, 2, 12);
        Assert.Equal(0, steps[0]);
        Assert.Equal((int)training["steps"]!, steps[^1]);
        using var last = ModelLoader.Load(ToyTrainer.CheckpointFolder(folder, steps[^1]), new LoadOptions { Processing = ProcessingOptions.None });
        using var final = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.None });
        Assert.Equal(final.WeightsSha256, last.WeightsSha256);
    }

    [Fact]
    public void Given_an_unknown_name_then_the_error_names_it()
    {
        var error = Assert.Throws<BadInputException>(() => ShippedZoo.Folder("no-such-model"));
        Assert.Contains("no-such-model", error.Message);
    }
}
