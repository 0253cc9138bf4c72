using System.Diagnostics;
using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static CircuitFinder.Tests.Model.Checkpoints.CheckpointFixtures;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class PickleCheckpointReaderTests
{
    // Key counts and shapes below were read from each file's data.pkl with Python's pickle module
    // (torch stubbed out), not with the code under test.
    [Theory]
    [InlineData("tl-attn-only-2l-tiny", "model_final.pth", 30, "blocks.1.attn.W_O", new long[] { 4, 8, 32 })]
    [InlineData("tl-gelu-2l-tiny", "model_final.pth", 42, "embed.W_E", new long[] { 200, 32 })]
    [InlineData("tl-lnpre-1l-tiny", "model_final.pth", 18, "blocks.0.attn.W_Q", new long[] { 4, 32, 8 })]
    [InlineData("tl-solu-1l-tiny", "model_final.pth", 26, "pos_embed.W_pos", new long[] { 32, 32 })]
    [InlineData("gpt2-tiny-bin", "pytorch_model.bin", 33, "transformer.wte.weight", new long[] { 1000, 64 })]
    public void Every_fixture_pickle_reads_with_its_known_key_count_and_shapes(
        string model, string file, int keyCount, string key, long[] shape)
    {
        using var dict = PickleCheckpointReader.Read(ModelFile(model, file));

        Assert.Equal(keyCount, dict.Count);
        Assert.Equal(shape, dict[key].shape);
        Assert.All(dict.Values, t => Assert.Equal(TorchSharp.DeviceType.CPU, t.device_type));
    }

    [Fact]
    public void Tl_gelu_pth_and_safetensors_hold_identical_weights()
    {
        using var pickled = PickleCheckpointReader.Read(ModelFile("tl-gelu-2l-tiny", "model_final.pth"));
        using var safe = SafetensorsReader.Read(ModelFile("tl-gelu-2l-tiny", "model_final.safetensors"));

        foreach (var (key, tensor) in safe)
        {
            Assert.True(SameValues(tensor, pickled[key]), $"'{key}' differs between .pth and .safetensors");
        }

        var onlyInPickle = pickled.Keys.Except(safe.Keys).Order(StringComparer.Ordinal).ToArray();
        Assert.All(onlyInPickle, k => Assert.Matches(@"^blocks\.\d+\.attn\.(mask|IGNORE)$", k));
    }

    [Fact]
    public void Gpt2_bin_attention_weight_equals_the_safetensors_one()
    {
        using var pickled = PickleCheckpointReader.Read(ModelFile("gpt2-tiny-bin", "pytorch_model.bin"));
        using var safe = SafetensorsReader.Read(ModelFile("gpt2-tiny", "model.safetensors"));

        Assert.True(SameValues(safe["h.0.attn.c_attn.weight"], pickled["transformer.h.0.attn.c_attn.weight"]));
    }

    [Fact]
    public void Pickle_buffers_keep_their_bool_dtype()
    {
        using var dict = PickleCheckpointReader.Read(ModelFile("tl-gelu-2l-tiny", "model_final.pth"));

        Assert.Equal(TorchSharp.torch.ScalarType.Bool, dict["blocks.0.attn.mask"].dtype);
    }

    [Fact]
    public void Scalar_buffers_come_back_as_zero_dimensional_tensors()
    {
        using var dict = PickleCheckpointReader.Read(ModelFile("tl-gelu-2l-tiny", "model_final.pth"));

        var ignore = dict["blocks.0.attn.IGNORE"];
        Assert.Empty(ignore.shape);
        Assert.Equal(-100000f, ignore.item<float>());
    }

    [Fact]
    public void Tensor_reading_a_prefix_of_its_storage_gets_its_own_elements()
    {
        using var folder = new TemporaryFolder();
        var path = StorageViewCheckpoint(folder, offset: 0, shape: "(K\u0002t", stride: "(K\u0001t");

        using var dict = PickleCheckpointReader.Read(path);

        Assert.Equal(new float[] { 0, 1 }, dict["w"].data<float>().ToArray());
    }

    [Fact]
    public void Tied_tensors_sharing_one_storage_both_read_its_elements()
    {
        using var folder = new TemporaryFolder();
        var storage = "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0004tQ";
        var rebuild = $"ctorch._utils\n_rebuild_tensor_v2\n({storage}K\u0000(K\u0004t(K\u0001t\u0089ccollections\nOrderedDict\n)RtR";
        var pickle = Latin1($"\u0080\u0002}}(X\u0001\u0000\u0000\u0000a{rebuild}X\u0001\u0000\u0000\u0000b{rebuild}u.");
        var path = StorageCheckpoint(folder, pickle);

        using var dict = PickleCheckpointReader.Read(path);

        Assert.Equal(new float[] { 0, 1, 2, 3 }, dict["a"].data<float>().ToArray());
        Assert.Equal(new float[] { 0, 1, 2, 3 }, dict["b"].data<float>().ToArray());
    }

    // PyBridge 1.4.4 cannot rebuild a tensor that starts inside its storage or has non-contiguous
    // strides; such files must fail with a message that says why, never load wrong values.
    [Theory]
    [InlineData(2, "(K\u0002t", "(K\u0001t")]
    [InlineData(1, "(K\u0003t", "(K\u0001t")]
    [InlineData(0, "(K\u0002K\u0002t", "(K\u0001K\u0002t")]
    public void Tensor_viewing_the_middle_of_a_shared_storage_is_rejected_saying_how_to_re_save(int offset, string shape, string stride)
    {
        using var folder = new TemporaryFolder();
        var path = StorageViewCheckpoint(folder, offset, shape, stride);

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("views.pth", e.Message);
        Assert.Contains("view into part of a shared storage", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    [Fact]
    public void Pickle_calling_posix_system_is_refused_before_anything_runs()
    {
        using var folder = new TemporaryFolder();
        var marker = folder.File("pwned");
        var command = $"touch {marker}";
        var pickle = Latin1($"\u0080\u0002cposix\nsystem\nq\u0000X{(char)command.Length}\u0000\u0000\u0000{command}q\u0001\u0085q\u0002Rq\u0003.");
        var path = PickleCheckpointWith(folder.Path, pickle);

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("model.pth", e.Message);
        Assert.Contains("'posix.system'", e.Message);
        Assert.Contains("refusing to load it", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Pickle_naming_builtins_eval_is_refused_naming_it()
    {
        using var folder = new TemporaryFolder();
        var pickle = Latin1("\u0080\u0002cbuiltins\neval\nq\u0000X\u0004\u0000\u0000\u00001+1q\u0001\u0085q\u0002Rq\u0003.");
        var path = PickleCheckpointWith(folder.Path, pickle);

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("'builtins.eval'", e.Message);
    }

    [Fact]
    public void Pickle_whose_values_are_not_tensors_is_rejected_naming_the_key()
    {
        using var folder = new TemporaryFolder();
        var path = PickleCheckpointWith(folder.Path, Latin1("\u0080\u0002}q\u0000X\u0001\u0000\u0000\u0000aK\u0001s."));

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("model.pth", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Contains("not a tensor", e.Message);
    }

    [Fact]
    public void Legacy_non_zip_torch_save_is_rejected_with_the_re_save_advice()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("legacy.pth");
        File.WriteAllBytes(path, Latin1("\u0080\u0002\u008a\u000alü\u009cFù j¨P\u0019.\u0080\u0002}q\u0000."));

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("legacy.pth", e.Message);
        Assert.Contains("_use_new_zipfile_serialization=True", e.Message);
    }

    [Fact]
    public void Truncated_zip_checkpoint_is_rejected_naming_the_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("half.pth");
        var whole = File.ReadAllBytes(ModelFile("tl-gelu-2l-tiny", "model_final.pth"));
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("half.pth", e.Message);
        Assert.Contains("zip", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void File_that_is_neither_zip_nor_pickle_is_rejected_naming_the_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("notes.pth");
        File.WriteAllText(path, "just some text");

        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read(path));

        Assert.Contains("notes.pth", e.Message);
        Assert.Contains("not a PyTorch checkpoint", e.Message);
    }

    [Fact]
    public void Missing_checkpoint_is_rejected_naming_the_path()
    {
        var e = Assert.Throws<BadInputException>(() => PickleCheckpointReader.Read("/nonexistent/folder/model.pth"));

        Assert.Contains("/nonexistent/folder/model.pth", e.Message);
    }

    /// <summary>
    /// A hand-made torch.save zip whose one tensor 'w' is rebuilt by _rebuild_tensor_v2 from a
    /// 4-float storage [0, 1, 2, 3] with the given offset and (pickled) shape and stride tuples.
    /// </summary>
    private static string StorageViewCheckpoint(TemporaryFolder folder, int offset, string shape, string stride)
    {
        var pickle = Latin1(
            "\u0080\u0002}X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n(" +
            "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0004tQ" +
            $"K{(char)offset}{shape}{stride}\u0089ccollections\nOrderedDict\n)RtRs.");
        return StorageCheckpoint(folder, pickle);
    }

    /// <summary>A hand-made torch.save zip with <paramref name="pickle"/> and one 4-float storage '0' = [0, 1, 2, 3].</summary>
    private static string StorageCheckpoint(TemporaryFolder folder, byte[] pickle)
    {
        var path = folder.File("views.pth");
        using var archive = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        using (var pkl = archive.CreateEntry("archive/data.pkl").Open())
        {
            pkl.Write(pickle);
        }

        using (var data = archive.CreateEntry("archive/data/0").Open())
        {
            data.Write(new float[] { 0, 1, 2, 3 }.SelectMany(BitConverter.GetBytes).ToArray());
        }

        return path;
    }
}
