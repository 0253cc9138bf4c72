using System.Diagnostics;
using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static CircuitFinder.Tests.Model.Checkpoints.CheckpointFixtures;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class SafetensorsReaderTests
{
    public static TheoryData<string> SafetensorsWeightFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in WeightFiles().Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(ModelsFolder, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SafetensorsWeightFiles))]
    public void Every_fixture_safetensors_reads_with_the_keys_and_shapes_its_header_lists(string relativePath)
    {
        var path = Path.Combine(ModelsFolder, relativePath);
        var expected = HeaderShapes(path);

        using var dict = SafetensorsReader.Read(path);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), dict.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
        {
            Assert.Equal(shape, dict[key].shape);
            Assert.Equal(TorchSharp.DeviceType.CPU, dict[key].device_type);
        }
    }

    [Fact]
    public void Metadata_of_a_huggingface_fixture_says_format_pt()
    {
        var metadata = SafetensorsReader.ReadMetadata(ModelFile("gpt2-tiny", "model.safetensors"));

        Assert.Equal("pt", metadata["format"]);
    }

    [Fact]
    public void Missing_file_is_rejected_naming_the_path()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("absent.safetensors");

        var e = Assert.Throws<BadInputException>(() => SafetensorsReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void File_shorter_than_eight_bytes_is_rejected_naming_the_file()
    {
        var e = Rejected("tiny.safetensors", [1, 2, 3]);

        Assert.Contains("shorter than the 8-byte header length", e.Message);
    }

    [Fact]
    public void Truncated_safetensors_is_rejected_naming_the_file()
    {
        var whole = File.ReadAllBytes(ModelFile("gpt2-tiny", "model.safetensors"));

        var e = Rejected("half.safetensors", whole[..(whole.Length / 2)]);

        Assert.Contains("data_offsets", e.Message);
        Assert.Contains("outside", e.Message);
    }

    [Fact]
    public void Safetensors_cut_inside_its_header_is_rejected_for_a_header_longer_than_the_file()
    {
        var whole = File.ReadAllBytes(ModelFile("gpt2-tiny", "model.safetensors"));

        var e = Rejected("cut.safetensors", whole[..100]);

        Assert.Contains("header length", e.Message);
        Assert.Contains("larger than the 92 bytes after it", e.Message);
    }

    [Fact]
    public void Header_claiming_a_petabyte_is_rejected_at_once_without_allocating()
    {
        var bytes = new byte[64];
        BitConverter.GetBytes(1UL << 50).CopyTo(bytes, 0);
        var clock = Stopwatch.StartNew();

        var e = Rejected("huge.safetensors", bytes);

        Assert.Contains($"header length {1UL << 50} bytes", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Header_that_is_not_json_is_rejected_naming_the_file()
    {
        var e = Rejected("bad-json.safetensors", SafetensorsBytes("{\"a\": [1, 2", []));

        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Header_that_is_a_json_array_is_rejected_as_not_an_object()
    {
        var e = Rejected("array.safetensors", SafetensorsBytes("[1, 2, 3]", []));

        Assert.Contains("not an object", e.Message);
    }

    [Fact]
    public void Entry_without_data_offsets_is_rejected_naming_the_key()
    {
        var e = Rejected("no-offsets.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[1]}}""", new byte[4]));

        Assert.Contains("'w'", e.Message);
        Assert.Contains("data_offsets", e.Message);
    }

    [Fact]
    public void Entry_without_dtype_is_rejected_naming_the_key()
    {
        var e = Rejected("no-dtype.safetensors", SafetensorsBytes("""{"w":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4]));

        Assert.Contains("'w' lacks a string 'dtype'", e.Message);
    }

    [Fact]
    public void Unknown_dtype_is_rejected_naming_the_key_and_the_dtype()
    {
        var e = Rejected("c64.safetensors", SafetensorsBytes("""{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}""", new byte[8]));

        Assert.Contains("'w' has unknown dtype 'C64'", e.Message);
    }

    [Fact]
    public void Negative_dimension_is_rejected_naming_the_key_and_shape()
    {
        var e = Rejected("negative.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", new byte[4]));

        Assert.Contains("'w' field 'shape'", e.Message);
        Assert.Contains("non-negative", e.Message);
    }

    [Fact]
    public void Offsets_beyond_the_data_buffer_are_rejected_naming_the_key()
    {
        var e = Rejected("beyond.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4]));

        Assert.Contains("'w' has data_offsets [0, 8] outside the 4-byte data buffer", e.Message);
    }

    [Fact]
    public void Offsets_ending_before_they_begin_are_rejected_naming_the_key()
    {
        var e = Rejected("reversed.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", new byte[8]));

        Assert.Contains("'w' has data_offsets [8, 4]", e.Message);
    }

    [Fact]
    public void Byte_length_that_disagrees_with_the_shape_is_rejected_naming_key_and_shape()
    {
        var e = Rejected("mismatch.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", new byte[20]));

        Assert.Contains("'w' has shape [2, 3] F32 = 24 bytes but data_offsets span 20 bytes", e.Message);
    }

    [Fact]
    public void Shape_whose_byte_length_overflows_is_rejected()
    {
        var e = Rejected("overflow.safetensors", SafetensorsBytes("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", new byte[4]));

        Assert.Contains("overflows", e.Message);
    }

    private static BadInputException Rejected(string name, byte[] bytes)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File(name);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<BadInputException>(() => SafetensorsReader.Read(path));

        Assert.Contains(name, e.Message);
        return e;
    }
}
