using System.Diagnostics;
using CircuitFinder.Tests.Core;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// Only regular files are read: a FIFO as <c>config.json</c> or <c>model.safetensors</c>, a <c>vocab.json</c> linked to
/// <c>/dev/zero</c>, a task file that is a link loop — each exits 2 at once naming the file, instead of hanging or spinning.
/// </summary>
public sealed class SpecialFileTests
{
    [Theory]
    [InlineData("config.json")]
    [InlineData("model.safetensors")]
    public void A_fifo_in_a_model_folder_exits_2_at_once_naming_it(string name)
    {
        using var model = FixturePaths.CopyModel("gpt2-tiny");
        File.Delete(model.File(name));
        InputFileTests.MakeFifo(model.File(name));
        var clock = Stopwatch.StartNew();
        var run = CliRun.Of("info", "--model", model.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{model.File(name)}: not a regular file", run.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_vocab_json_linked_to_dev_zero_exits_2_at_once_naming_it()
    {
        using var model = new TemporaryFolder();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RealModels.RepositoryRoot()!, "zoo", "attn-only-1l")))
        {
            File.Copy(file, model.File(Path.GetFileName(file)));
        }

        File.Delete(model.File("vocab.json"));
        File.CreateSymbolicLink(model.File("vocab.json"), "/dev/zero");
        var run = CliRun.Of("info", "--model", model.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{model.File("vocab.json")}: not a regular file", run.Stderr);
    }

    [Fact]
    public void A_task_file_that_is_a_symbolic_link_loop_exits_2_naming_it()
    {
        using var folder = new TemporaryFolder();
        File.CreateSymbolicLink(folder.File("task.json"), folder.File("loop.json"));
        File.CreateSymbolicLink(folder.File("loop.json"), folder.File("task.json"));
        var run = CliRun.Of("task", "show", folder.File("task.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{folder.File("task.json")}:", run.Stderr);
        Assert.Contains("symbolic link loop", run.Stderr);
    }
}
