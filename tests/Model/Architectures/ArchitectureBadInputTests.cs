using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tests.Cli;
using Newtonsoft.Json.Linq;
using CircuitFinder.Tests.Model;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// Bad GPT-NeoX, GPT-Neo and Llama folders are refused with a message naming the file and the key, and on the command
/// line with exit code 2: head counts that do not divide, a missing layer, an unknown <c>model_type</c>.
/// </summary>
public sealed class ArchitectureBadInputTests
{
    [Theory]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads (3) does not divide num_attention_heads (4)")]
    [InlineData("num_attention_heads", "5", "num_attention_heads (5) does not divide hidden_size (16)")]
    [InlineData("num_key_value_heads", "0", "num_key_value_heads (0)")]
    [InlineData("rope_scaling", "{\"type\": \"linear\", \"factor\": 2.0}", "rope_scaling")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act 'gelu'")]
    public void A_Llama_config_that_is_wrong_is_refused_naming_the_field(string field, string value, string expected)
    {
        using var folder = new TemporaryFolder();
        using (HuggingFaceLlamaFolder.Write(folder.Path, seed: 1))
        {
        }

        SetConfig(folder.File("config.json"), field, value);
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose());
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void A_NeoX_checkpoint_with_a_missing_layer_is_refused_naming_the_layer()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w =>
        {
            foreach (var key in w.Keys.Where(k => k.StartsWith("gpt_neox.layers.1.", StringComparison.Ordinal)).ToList())
            {
                w.Remove(key);
            }
        });
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose());
        Assert.Contains("missing key 'gpt_neox.layers.1.", e.Message);
        Assert.Contains("num_hidden_layers is 2", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void A_NeoX_checkpoint_with_a_layer_the_config_does_not_have_is_refused()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        var config = JObject.Parse(File.ReadAllText(folder.File("config.json")));
        config["num_hidden_layers"] = 1;
        File.WriteAllText(folder.File("config.json"), config.ToString());
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose());
        Assert.Contains("unexpected key 'gpt_neox.layers.1.", e.Message);
        Assert.Contains("num_hidden_layers is 1", e.Message);
    }

    [Fact]
    public void Known_buffers_are_ignored_and_unknown_keys_are_not()
    {
        using var folder = FixturePaths.CopyModel("pythia-tiny");
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w =>
        {
            w["gpt_neox.layers.0.attention.rotary_emb.inv_freq"] = ones(2);
            w["gpt_neox.layers.0.attention.masked_bias"] = tensor(-1e9f);
        });
        ModelLoader.Load(folder.Path).Dispose();
        SafetensorsEdits.Rewrite(folder.File("model.safetensors"), w => w["gpt_neox.layers.0.attention.lora_A"] = ones(2));
        Assert.Contains("unexpected key 'gpt_neox.layers.0.attention.lora_A'", Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose()).Message);
    }

    [Fact]
    public void A_GPT_Neo_config_whose_layer_types_do_not_match_num_layers_is_refused()
    {
        using var folder = FixturePaths.CopyModel("gpt-neo-tiny");
        SetConfig(folder.File("config.json"), "attention_layers", "[\"global\", \"local\", \"global\"]");
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose());
        Assert.Contains("num_layers is 2", e.Message);
        SetConfig(folder.File("config.json"), "attention_layers", "[\"global\", \"sparse\"]");
        Assert.Contains("attention_layers[1]", Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.Path).Dispose()).Message);
    }

    [Fact]
    public void On_the_command_line_each_bad_folder_is_exit_code_2_naming_the_problem()
    {
        using var llama = new TemporaryFolder();
        using (HuggingFaceLlamaFolder.Write(llama.Path, seed: 2))
        {
        }

        SetConfig(llama.File("config.json"), "num_key_value_heads", "3");
        AssertBadInput(CliRun.Of("info", "--model", llama.Path), "num_key_value_heads (3) does not divide num_attention_heads (4)");

        using var neox = FixturePaths.CopyModel("pythia-tiny");
        SafetensorsEdits.Rewrite(neox.File("model.safetensors"), w => w.Remove("gpt_neox.layers.1.attention.query_key_value.weight"));
        AssertBadInput(CliRun.Of("info", "--model", neox.Path), "gpt_neox.layers.1.attention.query_key_value.weight");

        using var unknown = FixturePaths.CopyModel("gpt-neo-tiny");
        SetConfig(unknown.File("config.json"), "model_type", "\"rwkv\"");
        SetConfig(unknown.File("config.json"), "architectures", "[\"RwkvForCausalLM\"]");
        AssertBadInput(CliRun.Of("info", "--model", unknown.Path), "model_type 'rwkv' is not supported");
    }

    private static void AssertBadInput(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains(expected, run.Stderr);
    }

    private static void SetConfig(string path, string field, string jsonValue)
    {
        var json = JObject.Parse(File.ReadAllText(path));
        json[field] = JToken.Parse(jsonValue);
        File.WriteAllText(path, json.ToString());
    }
}
