using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class RunGenerateTests
{
    [SkippableFact]
    public void Given_stories260k_when_generating_greedily_from_BOS_then_the_published_greedy_tokens_come_back()
    {
        string folder = RealModels.Require("stories260k-hf");
        var expected = JObject.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var reference = ((JArray)expected["greedy_from_bos"]!).Select(t => (int)t).ToList();
        var run = CliRun.Of("run", "--model", folder, "--tokens", reference[0].ToString(System.Globalization.CultureInfo.InvariantCulture), "--generate", (reference.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        Assert.Equal(reference, json["ids"]!.Select(t => (int)t));
        Assert.Equal("greedy", (string?)json["mode"]);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", (string?)json["text"]);
    }

    [Fact]
    public void Given_a_seed_when_sampling_twice_then_the_same_tokens_come_back_and_top_k_1_is_greedy()
    {
        string[] args = ["run", "--model", "zoo:attn-only-2l", "--tokens", "0,12,40,7,33", "--generate", "8", "--json"];
        var first = JObject.Parse(CliRun.Of([.. args, "--temperature", "1.5", "--seed", "7"]).Stdout);
        var second = JObject.Parse(CliRun.Of([.. args, "--temperature", "1.5", "--seed", "7"]).Stdout);
        Assert.Equal(first["ids"]!.ToString(), second["ids"]!.ToString());
        Assert.Equal(13, ((JArray)first["ids"]!).Count);
        Assert.Equal(8, ((JArray)first["generated_tokens"]!).Count);
        Assert.Equal("sample", (string?)first["mode"]);
        var greedy = JObject.Parse(CliRun.Of(args).Stdout);
        var topOne = JObject.Parse(CliRun.Of([.. args, "--top-k", "1", "--seed", "3"]).Stdout);
        Assert.Equal(greedy["ids"]!.ToString(), topOne["ids"]!.ToString());
    }

    [Fact]
    public void Given_generate_without_json_then_the_text_is_printed()
    {
        var run = CliRun.Of("run", "--model", "zoo:attn-only-2l", "--tokens", "0,12,40,7,33,12,40", "--generate", "3");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("<bos>", run.Stdout);
    }

    [Theory]
    [InlineData("--temperature", "-1", "--temperature must be")]
    [InlineData("--top-k", "0", "--top-k must be at least 1")]
    [InlineData("--generate", "-2", "--generate must be at least 0")]
    public void Given_bad_sampling_settings_when_generating_then_exit_2_names_the_option(string option, string value, string message)
    {
        string[] generate = option == "--generate" ? [] : ["--generate", "3"];
        var run = CliRun.Of(["run", "--model", "zoo:attn-only-2l", "--tokens", "0,1", .. generate, option, value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void Given_a_temperature_without_generate_then_exit_2()
    {
        var run = CliRun.Of("run", "--model", "zoo:attn-only-2l", "--tokens", "0,1", "--temperature", "0.7");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--temperature and --top-k go with --generate", run.Stderr);
    }
}
