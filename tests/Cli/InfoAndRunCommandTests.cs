using CircuitFinder.Model.Checkpoints;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Cli;

public sealed class InfoAndRunCommandTests
{
    [Fact]
    public void Info_json_lists_config_parameter_count_and_hook_points()
    {
        var run = CliRun.Of("info", "--model", FixturePaths.Model("gpt2-tiny"), "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal("huggingface-gpt2", (string?)json["layout"]);
        Assert.Equal(2, (int)json["config"]!["n_layers"]!);
        Assert.Equal("LNPre", (string?)json["config"]!["normalization_type"]);
        Assert.Contains("blocks.1.attn.hook_pattern", json["hook_points"]!.Values<string>());
        // 2 layers × (4·64·64 + 4·64 attn + 2·64·256 + 256 + 64 MLP) + embeddings + unembedding, LayerNorms folded away
        Assert.True((long)json["parameter_count"]! > 200_000);
        Assert.Equal(64, ((string)json["weights_sha256"]!).Length);
    }

    [Fact]
    public void Info_names_the_modern_decoders_settings_and_gemma_2s_extra_hook_points()
    {
        var gemma = CliRun.Of("info", "--model", FixturePaths.Model("gemma2-tiny"));
        Assert.Equal(0, gemma.ExitCode);
        Assert.Contains("huggingface-gemma2", gemma.Stdout);
        Assert.Contains("attn_scores_soft_cap=3 output_logits_soft_cap=5 use_normalization_before_and_after=true", gemma.Stdout);
        Assert.Contains("attn_types=local,global,local window_size=4", gemma.Stdout);
        Assert.Contains("blocks.2.ln2_post.hook_normalized", gemma.Stdout);
        var llama3 = CliRun.Of("info", "--model", FixturePaths.Model("llama3-tiny"), "--json");
        Assert.Equal(0, llama3.ExitCode);
        var config = JObject.Parse(llama3.Stdout)["config"]!;
        Assert.True((bool)config["use_NTK_by_parts_rope"]!);
        Assert.Equal(32.0, (double)config["NTK_by_parts_factor"]!);
        Assert.Equal(64, (int)config["NTK_original_ctx_len"]!);
    }

    [Fact]
    public void Info_text_names_the_layout_and_hook_points()
    {
        var run = CliRun.Of("info", "--model", FixturePaths.Model("tl-attn-only-2l-tiny"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("transformerlens", run.Stdout);
        Assert.Contains("positions=shortformer", run.Stdout);
        Assert.Contains("blocks.0.attn.hook_z", run.Stdout);
    }

    [Fact]
    public void Run_with_all_logits_reproduces_the_reference_last_position_logits()
    {
        string folder = FixturePaths.Model("gpt2-tiny-bin");
        var run = CliRun.Of("run", "--model", folder, "--tokens", "709,414,84,839,409,890,958,815,47,835,355,834", "--top", "5", "--all-logits", "--json", "--no-processing");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        var logits = json["logits"]!.Values<float>().ToArray();
        using var expected = SafetensorsReader.Read(Path.Combine(folder, "expected.safetensors"));
        var reference = expected["logits"][0, -1].data<float>().ToArray();
        Assert.Equal(reference.Length, logits.Length);
        Assert.All(Enumerable.Range(0, logits.Length), i => Assert.True(Math.Abs(reference[i] - logits[i]) < 1e-4));
        var top = (JArray)json["top"]!;
        Assert.Equal(5, top.Count);
        int best = Array.IndexOf(reference, reference.Max());
        Assert.Equal(best, (int)top[0]["token_id"]!);
        var probs = top.Select(t => (double)t["prob"]!).ToArray();
        Assert.True(probs.Zip(probs.Skip(1)).All(p => p.First >= p.Second));
    }

    [Fact]
    public void Run_with_a_prompt_uses_the_models_plain_vocabulary()
    {
        using var folder = FixturePaths.CopyModel("tl-gelu-2l-tiny");
        File.WriteAllText(folder.File("vocab.json"), new JArray(Enumerable.Range(0, 200).Select(i => $"w{i}")).ToString());
        var run = CliRun.Of("run", "--model", folder.Path, "--prompt", "w10 w69 w10", "--top", "3");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3 tokens", run.Stdout);
        Assert.Equal(3 + 2, run.Stdout.Trim().Split('\n').Length);
    }

    [Fact]
    public void Processing_leaves_the_run_probabilities_unchanged()
    {
        string folder = FixturePaths.Model("tl-gelu-2l-tiny");
        var raw = JObject.Parse(CliRun.Of("run", "--model", folder, "--tokens", "10,69,10,25", "--json", "--no-processing").Stdout);
        var processed = JObject.Parse(CliRun.Of("run", "--model", folder, "--tokens", "10,69,10,25", "--json").Stdout);
        var a = raw["top"]!.Select(t => ((int)t["token_id"]!, (double)t["prob"]!)).ToList();
        var b = processed["top"]!.Select(t => ((int)t["token_id"]!, (double)t["prob"]!)).ToList();
        Assert.Equal(a.Select(x => x.Item1), b.Select(x => x.Item1));
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First.Item2 - p.Second.Item2) < 1e-5));
    }
}
