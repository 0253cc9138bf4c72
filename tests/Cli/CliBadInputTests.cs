using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>Bad input on the command line: exit code 2, one line naming the problem on stderr, no stack trace, within seconds.</summary>
public sealed class CliBadInputTests
{
    [Fact]
    public void A_missing_model_folder_is_exit_code_2_naming_the_path()
    {
        var run = CliRun.Of("run", "--model", "/no/such/model", "--tokens", "1,2");
        AssertBadInput(run, "/no/such/model");
    }

    [Fact]
    public void A_truncated_checkpoint_is_exit_code_2_naming_the_file()
    {
        using var folder = FixturePaths.CopyModel("gpt2-tiny");
        var bytes = File.ReadAllBytes(folder.File("model.safetensors"));
        File.WriteAllBytes(folder.File("model.safetensors"), bytes[..100]);
        AssertBadInput(CliRun.Of("info", "--model", folder.Path), "model.safetensors");
    }

    [Fact]
    public void An_unknown_act_fn_is_exit_code_2_naming_the_field()
    {
        using var folder = FixturePaths.CopyModel("tl-solu-1l-tiny");
        var config = JObject.Parse(File.ReadAllText(folder.File("config.json")));
        config["act_fn"] = "gelu_newest";
        File.WriteAllText(folder.File("config.json"), config.ToString());
        AssertBadInput(CliRun.Of("info", "--model", folder.Path), "act_fn 'gelu_newest'");
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_exit_code_2()
    {
        AssertBadInput(CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--tokens", "1,2,5000"), "token id 5000");
        AssertBadInput(CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--tokens", "1,x,3"), "'x'");
    }

    [Fact]
    public void A_sequence_longer_than_n_ctx_is_exit_code_2()
    {
        string tokens = string.Join(",", Enumerable.Repeat("1", 65));
        AssertBadInput(CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--tokens", tokens), "n_ctx = 64");
    }

    [Fact]
    public void A_prompt_for_a_model_without_tokenizer_is_exit_code_2()
    {
        AssertBadInput(CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--prompt", "hello"), "no tokenizer");
        AssertBadInput(CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny")), "--prompt");
    }

    [Fact]
    public void Parse_errors_and_unknown_options_are_exit_code_2()
    {
        var run = CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--bogus");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--bogus", run.Stderr);
        Assert.Equal(2, CliRun.Of("frobnicate").ExitCode);
        Assert.Equal(2, CliRun.Of("run", "--tokens", "1").ExitCode);
    }

    [Fact]
    public void An_unavailable_device_is_exit_code_2()
    {
        var run = CliRun.Of("run", "--model", FixturePaths.Model("gpt2-tiny"), "--tokens", "1", "--device", "tpu");
        AssertBadInput(run, "--device");
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var run = CliRun.Of("run", "--model", "/no/such/model", "--tokens", "1", "--verbose");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(" at ", run.Stderr);
    }

    private static void AssertBadInput(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains(expected, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, run.Stdout);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10), $"took {run.Elapsed}");
    }
}
