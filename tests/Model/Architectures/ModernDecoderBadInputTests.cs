using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Tests.Cli;
using CircuitFinder.Tests.Model;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// Bad Gemma 2, Phi-3 and rope-scaled folders are refused before anything runs, naming the key: in the library with
/// <see cref="BadInputException"/>, on the command line with exit code 2.
/// </summary>
public sealed class ModernDecoderBadInputTests
{
    [Fact]
    public void A_Gemma_2_config_whose_head_dim_times_heads_disagrees_with_the_weights_is_exit_code_2_naming_head_dim()
    {
        using var folder = FixturePaths.CopyModel("gemma2-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "head_dim", "12"); // 12 × 4 = 48 rows; q_proj has 64
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains("head_dim (12) × num_attention_heads (4) = 48", e.Message);
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", e.Message);
        AssertExitCode2(folder.Path, "head_dim (12)");
    }

    [Theory]
    [InlineData("self_attn.qkv_proj.weight", "num_key_value_heads")]
    [InlineData("mlp.gate_up_proj.weight", "intermediate_size")]
    public void A_Phi_3_fused_matrix_of_the_wrong_height_is_exit_code_2_naming_the_key(string key, string why)
    {
        using var folder = FixturePaths.CopyModel("phi3-tiny");
        string full = $"model.layers.1.{key}";
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w => w[full] = w[full].narrow(0, 0, w[full].shape[0] - 16).clone());
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains($"'{full}' has", e.Message);
        Assert.Contains(why, e.Message);
        AssertExitCode2(folder.Path, full);
    }

    [Theory]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}", "rope_scaling.rope_type 'yarn'")]
    [InlineData("rope_scaling", "{\"type\": \"dynamic\", \"factor\": 4.0}", "rope_scaling.type 'dynamic'")]
    [InlineData("rope_parameters", "{\"rope_type\": \"longrope\", \"rope_theta\": 10000.0}", "rope_parameters.rope_type 'longrope'")]
    [InlineData("rope_scaling", "{\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope_scaling.original_max_position_embeddings is missing")]
    [InlineData("rope_scaling", "[1, 2]", "field 'rope_scaling' must be an object")]
    public void An_unknown_or_incomplete_rope_type_is_exit_code_2_naming_the_key(string field, string value, string expected)
    {
        using var folder = FixturePaths.CopyModel("llama3-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), field, value);
        var e = LoaderAssertions.Rejected(folder.Path);
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
        AssertExitCode2(folder.Path, expected);
    }

    [Theory]
    [InlineData("gemma2-tiny", "layer_types", "[\"sliding_attention\", \"chunked_attention\", \"full_attention\"]", "layer_types[1] 'chunked_attention'")]
    [InlineData("gemma2-tiny", "layer_types", "[\"sliding_attention\"]", "layer_types must list")]
    [InlineData("gemma2-tiny", "sliding_window", "0", "sliding_window must be a positive integer")]
    [InlineData("gemma2-tiny", "hidden_activation", "\"relu\"", "hidden_activation 'relu'")]
    [InlineData("phi3-tiny", "partial_rotary_factor", "0.1", "partial_rotary_factor 0.1")]
    [InlineData("mistral-tiny", "dtype", "32", "field 'dtype' must be a string")]
    public void Other_bad_config_values_are_refused_naming_the_key(string fixture, string field, string value, string expected)
    {
        using var folder = FixturePaths.CopyModel(fixture);
        LoaderAssertions.SetConfig(folder.File("config.json"), field, value);
        Assert.Contains(expected, LoaderAssertions.Rejected(folder.Path).Message);
    }

    [Fact]
    public void An_unknown_model_type_is_still_refused_by_name()
    {
        using var folder = FixturePaths.CopyModel("qwen2-tiny");
        LoaderAssertions.SetConfig(folder.File("config.json"), "model_type", "\"qwen3\"");
        AssertExitCode2(folder.Path, "model_type 'qwen3' is not supported");
    }

    private static void AssertExitCode2(string model, string expected)
    {
        var run = CliRun.Of("info", "--model", model);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains(expected, run.Stderr);
    }
}
