using System.IO.Compression;
using CircuitFinder.Model.Checkpoints;
using Xunit;

namespace CircuitFinder.Tests.Model.Checkpoints;

/// <summary>
/// Weight files whose bytes do not match their tensors are refused naming the file and the tensor: safetensors entries
/// that overlap, leave gaps or trailing bytes; a <c>.pth</c> storage shorter or longer than its declared elements.
/// </summary>
public sealed class WeightsIntegrityTests
{
    [Fact]
    public void Overlapping_safetensors_entries_are_refused_naming_both_tensors()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("overlap.safetensors");
        File.WriteAllBytes(path, CheckpointFixtures.SafetensorsBytes(
            """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", new byte[12]));
        var e = Assert.Throws<BadInputException>(() => SafetensorsReader.Read(path).Dispose());
        Assert.Contains("overlap.safetensors", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_safetensors_entry_are_refused_naming_it()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("trailing.safetensors");
        File.WriteAllBytes(path, CheckpointFixtures.SafetensorsBytes("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", new byte[12]));
        var e = Assert.Throws<BadInputException>(() => SafetensorsReader.Read(path).Dispose());
        Assert.Contains("trailing.safetensors", e.Message);
        Assert.Contains("4 trailing bytes", e.Message);
        Assert.Contains("'a'", e.Message);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(8192)]
    public void A_pth_storage_of_the_wrong_size_is_refused_naming_the_file_and_tensor(int bytes)
    {
        using var folder = FixturePaths.CopyModel("tl-attn-only-2l-tiny");
        string path = folder.File("model_final.pth");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = archive.Entries.Single(e => e.FullName.EndsWith("/data/1", StringComparison.Ordinal)); // pos_embed.W_pos, 32 × 32 float32
            string name = entry.FullName;
            entry.Delete();
            using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(new byte[bytes]);
        }

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path).Dispose());
        Assert.Contains("model_final.pth", e.Message);
        Assert.Contains("pos_embed.W_pos", e.Message);
        Assert.Contains($"{bytes} bytes", e.Message);
    }

    [Fact]
    public void Every_fixture_pth_passes_the_storage_check()
    {
        foreach (var file in CheckpointFixtures.WeightFiles().Where(f => f.EndsWith(".pth", StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal)))
        {
            PickleCheckpointReader.Read(file).Dispose();
        }
    }
}
