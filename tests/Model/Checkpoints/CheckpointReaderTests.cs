using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static CircuitFinder.Tests.Model.Checkpoints.CheckpointFixtures;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class CheckpointReaderTests
{
    [Fact]
    public void Every_fixture_weight_file_reads_through_the_dispatcher()
    {
        foreach (var file in WeightFiles())
        {
            using var dict = CheckpointReader.Read(file);

            Assert.NotEmpty(dict);
            Assert.Equal(file, dict.Source);
        }
    }

    [Fact]
    public void Zip_checkpoint_with_an_unknown_extension_is_sniffed_as_a_pickle()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("weights.data");
        File.Copy(ModelFile("tl-solu-1l-tiny", "model_final.pth"), path);

        using var dict = CheckpointReader.Read(path);

        Assert.Equal(26, dict.Count);
    }

    [Fact]
    public void Unknown_format_is_rejected_naming_the_path()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("weights.onnx");
        File.WriteAllText(path, "not weights");

        var e = Assert.Throws<BadInputException>(() => CheckpointReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("unknown checkpoint format", e.Message);
    }

    [Fact]
    public void Missing_checkpoint_is_rejected_naming_the_path()
    {
        var e = Assert.Throws<BadInputException>(() => CheckpointReader.Read("/nonexistent/model.safetensors"));

        Assert.Contains("/nonexistent/model.safetensors", e.Message);
    }
}
