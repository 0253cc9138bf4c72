using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Loading;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>Bad model input is rejected quickly with a message naming the problem, and nothing is half-loaded.</summary>
public sealed class LoaderBadInputTests
{
    [Fact]
    public void Given_a_truncated_safetensors_file_then_loading_names_the_file()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        string file = folder.File("model.safetensors");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void Given_a_header_length_beyond_the_file_then_loading_says_so_without_allocating()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        string file = folder.File("model.safetensors");
        var bytes = File.ReadAllBytes(file);
        BitConverter.GetBytes(1L << 52).CopyTo(bytes, 0);
        File.WriteAllBytes(file, bytes);
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("header", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Given_a_missing_key_then_loading_names_the_key()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w => w.Remove("h.1.ln_2.bias"));
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("h.1.ln_2.bias", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Given_a_wrong_shape_then_loading_names_the_key_and_both_shapes()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w => w["wpe.weight"] = zeros(32, 64));
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("wpe.weight", e.Message);
        Assert.Contains("[32, 64]", e.Message);
        Assert.Contains("[64, 64]", e.Message);
    }

    [Fact]
    public void Given_an_unexpected_key_then_loading_names_it()
    {
        using var folder = FixturePaths.CopyModel("tl-gelu-2l-tiny");
        File.Delete(folder.File("model_final.pth"));
        SafetensorsEdits.Rewrite(folder.File("model_final.safetensors"), w => w["blocks.0.attn.W_X"] = zeros(2));
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("blocks.0.attn.W_X", e.Message);
    }

    [Fact]
    public void Given_NaN_or_infinite_weights_then_loading_names_the_key()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w =>
        {
            var t = w["h.0.mlp.c_fc.bias"].clone();
            t[3] = tensor(float.NaN);
            w["h.0.mlp.c_fc.bias"] = t;
        });
        Assert.Contains("h.0.mlp.c_fc.bias", LoaderAssertions.Rejected(folder.Path).Message);

        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w =>
        {
            var t = w["h.0.mlp.c_fc.bias"].clone();
            t[3] = tensor(float.PositiveInfinity);
            w["h.0.mlp.c_fc.bias"] = t;
        });
        Assert.Contains("h.0.mlp.c_fc.bias", LoaderAssertions.Rejected(folder.Path).Message);
    }

    [Theory]
    [InlineData("act_fn", "\"swishy\"", "unknown act_fn 'swishy'")]
    [InlineData("n_heads", "5", "does not divide d_model")]
    [InlineData("n_layers", "-1", "n_layers must be positive")]
    [InlineData("d_mlp", "-128", "d_mlp must be positive")]
    [InlineData("normalization", "\"BatchNorm\"", "unknown normalization 'BatchNorm'")]
    [InlineData("n_layers", "\"two\"", "'n_layers' must be an integer")]
    [InlineData("n_layers", "3", "missing key 'blocks.2.")]
    [InlineData("d_vocab", "300", "embed.W_E")]
    public void Given_a_TransformerLens_config_that_is_wrong_then_loading_names_the_field(string field, string value, string expected)
    {
        using var folder = FixturePaths.CopyModel("tl-gelu-2l-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), field, value);
        if (field == "n_heads")
        {
            LoaderAssertions.SetConfig(folder.File("config.json"), "d_head", "null");
        }

        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("n_head", "5", "n_head (5) does not divide n_embd (64)")]
    [InlineData("n_layer", "-2", "n_layer")]
    [InlineData("activation_function", "\"tanhish\"", "unknown activation_function 'tanhish'")]
    [InlineData("n_embd", "0", "must be positive")]
    public void Given_a_GPT2_config_that_is_wrong_then_loading_names_the_field(string field, string value, string expected)
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), field, value);
        Assert.Contains(expected, LoaderAssertions.Rejected(folder.Path).Message);
    }

    [Fact]
    public void Given_a_folder_with_no_checkpoint_then_loading_says_so()
    {
        using var folder = new TemporaryFolder();
        Assert.Contains("no recognisable checkpoint", LoaderAssertions.Rejected(folder.Path).Message);
        File.WriteAllText(folder.File("notes.txt"), "hello");
        Assert.Contains("no recognisable checkpoint", LoaderAssertions.Rejected(folder.Path).Message);
    }

    [Fact]
    public void Given_weights_without_config_then_loading_asks_for_config_json()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        File.Delete(folder.File("config.json"));
        Assert.Contains("config.json", LoaderAssertions.Rejected(folder.Path).Message);
    }

    [Fact]
    public void Given_a_malformed_config_then_loading_names_the_file()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        File.WriteAllText(folder.File("config.json"), "{ \"n_embd\": 64, ");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Given_an_unsupported_architecture_then_loading_names_the_model_type()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "model_type", "\"mamba\"");
        LoaderAssertions.SetConfig(folder.File("config.json"), "architectures", "[\"MambaForCausalLM\"]");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("model_type 'mamba'", e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Given_a_pickle_naming_os_system_then_loading_refuses_and_runs_nothing()
    {
        using var folder = FixturePaths.CopyModel("tl-attn-only-2l-tiny");
        string marker = folder.File("pwned");
        string command = $"touch {marker}";
        var pickle = new List<byte> { 0x80, 0x02 };
        pickle.AddRange("cposix\nsystem\nq\u0000X"u8.ToArray());
        pickle.AddRange(BitConverter.GetBytes(command.Length));
        pickle.AddRange(System.Text.Encoding.ASCII.GetBytes(command));
        pickle.AddRange("q\u0001\u0085q\u0002Rq\u0003."u8.ToArray());
        File.Delete(folder.File("model_final.pth"));
        Checkpoints.CheckpointFixtures.PickleCheckpointWith(folder.Path, pickle.ToArray(), "model_final.pth");
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("posix.system", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Given_token_ids_outside_the_vocabulary_or_too_many_tokens_then_the_forward_refuses()
    {
        using var loaded = ModelLoader.Load(FixturePaths.Model("gpt2-tiny"));
        using var noGrad = no_grad();
        var e = Assert.Throws<BadInputException>(() => loaded.Model.Forward(tensor(new long[] { 1, 1000 })));
        Assert.Contains("1000", e.Message);
        Assert.Contains("d_vocab = 1000", e.Message);
        Assert.Throws<BadInputException>(() => loaded.Model.Forward(tensor(new long[] { -1, 2 })));
        var tooLong = Assert.Throws<BadInputException>(() => loaded.Model.Forward(zeros(1, 65, ScalarType.Int64)));
        Assert.Contains("n_ctx = 64", tooLong.Message);
    }
}
