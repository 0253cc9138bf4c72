using CircuitFinder.Model.Training;
using Xunit;

namespace CircuitFinder.Tests.Model.Training;

/// <summary>Training is reproducible: the same recipe, seed, steps and thread count give the same loss.</summary>
[Collection(SerialCollection.Name)]
public sealed class TrainingDeterminismTests
{
    // Measured on the 2-core development machine (1 thread, TorchSharp-cpu 0.107.0): attn-only-1l, seed 42, 30 steps.
    private const double PinnedFinalLoss = 4.185850143432617;

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_same_seed_when_a_recipe_is_trained_twice_then_the_final_losses_are_identical_and_match_the_pinned_value()
    {
        var recipe = ToyModelRecipes.Get("attn-only-1l");
        var options = new TrainingOptions { Seed = 42, Steps = 30, SaveCheckpoints = false };

        var first = ToyTrainer.Train(recipe, options, outFolder: null);
        var second = ToyTrainer.Train(recipe, options, outFolder: null);

        Assert.Equal(first.FinalLoss, second.FinalLoss);
        Assert.Equal(first.Induction!.FirstOccurrenceLoss, second.Induction!.FirstOccurrenceLoss);
        Assert.Equal(1, first.Threads);
        Assert.True(Math.Abs(first.FinalLoss - PinnedFinalLoss) < 1e-4, $"final loss {first.FinalLoss:R}, pinned {PinnedFinalLoss:R}");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_shipped_seed_and_steps_when_attn_only_1l_is_retrained_then_its_reported_metrics_are_reproduced()
    {
        // zoo/attn-only-1l/training.json is what `circuitfinder zoo train attn-only-1l` reported when the shipped model was made.
        var shipped = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(Path.Combine(ShippedZoo.Folder("attn-only-1l"), "training.json")));
        var recipe = ToyModelRecipes.Get("attn-only-1l");
        var report = ToyTrainer.Train(recipe, new TrainingOptions { Seed = (int)shipped["seed"]!, Steps = (int)shipped["steps"]!, SaveCheckpoints = false }, outFolder: null);
        const double tolerance = 1e-4; // same machine type, one thread: the runs are bit-identical in practice
        Assert.True(Math.Abs(report.FinalLoss - (double)shipped["final_loss"]!) < tolerance, $"final loss {report.FinalLoss:R} vs shipped {shipped["final_loss"]}");
        Assert.True(Math.Abs(report.SmoothedFinalLoss - (double)shipped["smoothed_final_loss"]!) < tolerance, $"smoothed loss {report.SmoothedFinalLoss:R} vs shipped {shipped["smoothed_final_loss"]}");
    }

    [Fact]
    public void Given_an_unknown_recipe_then_the_error_suggests_a_known_one()
    {
        var error = Assert.Throws<BadInputException>(() => ToyModelRecipes.Get("attn-only-2"));
        Assert.Contains("attn-only-2l", error.Message);
    }
}
