using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>circuitfinder zoo train</c>: writes the model folder, training.json and checkpoints; bad input is exit code 2.</summary>
[Collection(SerialCollection.Name)]
public sealed class ZooTrainingCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    [Trait("Category", "Slow")]
    public void Zoo_train_with_five_steps_writes_the_model_its_record_expected_logits_and_checkpoints()
    {
        string output = _folder.File("tiny");

        var run = CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "5", "--seed", "3", "--out", output, "--quiet");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.json", "training.json", "expected.json", "expected.safetensors" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        var checkpoints = Directory.GetDirectories(Path.Combine(output, "checkpoints")).Select(Path.GetFileName).Order();
        Assert.Equal(["step_0", "step_1", "step_2", "step_4", "step_5"], checkpoints);
        var training = JObject.Parse(File.ReadAllText(Path.Combine(output, "training.json")));
        Assert.Equal(5, (int)training["steps"]!);
        Assert.Equal(3, (int)training["seed"]!);
        Assert.NotNull(training["induction"]?["first_occurrence_loss"]);
    }

    [Fact]
    public void Zoo_train_of_an_unknown_recipe_is_exit_code_2_naming_it()
    {
        var run = CliRun.Of("zoo", "train", "attn-only-9l", "--out", _folder.File("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("attn-only-9l", run.Stderr);
        Assert.False(Directory.Exists(_folder.File("x")));
    }

    [Fact]
    public void Zoo_train_with_zero_steps_is_exit_code_2()
    {
        var run = CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "0", "--out", _folder.File("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--steps", run.Stderr);
    }
}
