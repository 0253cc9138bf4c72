using System.Buffers.Binary;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static CircuitFinder.Tests.Model.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class SafetensorsWriterTests
{
    [Fact]
    public void Tensors_of_every_supported_dtype_read_back_equal()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("round-trip.safetensors");
        using var scope = NewDisposeScope();
        var tensors = RandomTensors();

        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        using var read = SafetensorsReader.Read(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, tensor) in tensors)
        {
            Assert.True(SameValues(tensor, read[key]), $"'{key}' differs after the round trip");
        }

        Assert.Equal("pt", SafetensorsReader.ReadMetadata(path)["format"]);
    }

    [Fact]
    public void Writing_the_same_tensors_twice_gives_identical_bytes()
    {
        using var folder = new TemporaryFolder();
        using var scope = NewDisposeScope();
        var tensors = RandomTensors();
        var reversed = tensors.Reverse().ToDictionary();

        SafetensorsWriter.Write(folder.File("a.safetensors"), tensors);
        SafetensorsWriter.Write(folder.File("b.safetensors"), reversed);

        Assert.Equal(File.ReadAllBytes(folder.File("a.safetensors")), File.ReadAllBytes(folder.File("b.safetensors")));
    }

    [Fact]
    public void Header_is_padded_with_spaces_to_a_multiple_of_eight()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("padded.safetensors");
        using var scope = NewDisposeScope();

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = ones(3) });

        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, length % 8);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, length);
        Assert.StartsWith("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", header);
        Assert.Equal(string.Empty, header[(header.LastIndexOf('}') + 1)..].Trim(' '));
        Assert.Equal(8 + length + 12, bytes.Length);
    }

    [Fact]
    public void Writing_leaves_no_temporary_file_and_overwrites_the_target()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        using var scope = NewDisposeScope();

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["x"] = arange(4) });

        Assert.Equal([path], Directory.GetFiles(folder.Path));
        using var read = SafetensorsReader.Read(path);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, read["x"].data<long>().ToArray());
    }

    [Fact]
    public void Failed_write_leaves_the_existing_file_untouched_and_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        using var scope = NewDisposeScope();

        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["z"] = zeros(2, ScalarType.ComplexFloat32) }));

        Assert.Equal([path], Directory.GetFiles(folder.Path));
        Assert.Equal("old contents", File.ReadAllText(path));
    }

    private static Dictionary<string, Tensor> RandomTensors()
    {
        var generator = new TorchSharp.torch.Generator(1234);
        return new Dictionary<string, Tensor>
        {
            ["f32"] = randn([3, 4], generator: generator),
            ["f64"] = randn([2, 2, 2], ScalarType.Float64, generator: generator),
            ["f16"] = randn([5], generator: generator).to(ScalarType.Float16),
            ["bf16"] = randn([2, 3], generator: generator).to(ScalarType.BFloat16),
            ["i64"] = randint(-1000, 1000, [7], generator: generator),
            ["i32"] = randint(-1000, 1000, [2, 2], ScalarType.Int32, generator: generator),
            ["i16"] = randint(-1000, 1000, [3], ScalarType.Int16, generator: generator),
            ["i8"] = randint(-100, 100, [3], ScalarType.Int8, generator: generator),
            ["u8"] = randint(0, 255, [4], ScalarType.Byte, generator: generator),
            ["bool"] = rand([6], generator: generator).gt(0.5),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 3),
            ["strided.view"] = randn([4, 3], generator: generator).t(),
        };
    }
}
