using System.Diagnostics;
using CircuitFinder.Core;
using Xunit;

namespace CircuitFinder.Tests.Core;

/// <summary>
/// <see cref="InputFile"/> reads regular files only: a FIFO, a device, a folder or a link loop is bad input naming the
/// path, at once (no hang, no endless read), and so is a file over its format's size limit.
/// </summary>
public sealed class InputFileTests
{
    [Fact]
    public void Given_a_fifo_when_read_then_bad_input_at_once_instead_of_blocking()
    {
        using var temp = new TemporaryFolder();
        string fifo = MakeFifo(temp.File("config.json"));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<BadInputException>(() => InputFile.ReadAllText(fifo));
        Assert.Contains($"{fifo}: not a regular file", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Given_a_link_to_dev_zero_when_read_then_bad_input_instead_of_an_endless_read()
    {
        using var temp = new TemporaryFolder();
        string link = temp.File("vocab.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        Assert.Contains("not a regular file", Assert.Throws<BadInputException>(() => InputFile.ReadAllText(link)).Message);
        Assert.Contains("not a regular file", Assert.Throws<BadInputException>(() => InputFile.OpenRead(link)).Message);
    }

    [Fact]
    public void Given_a_symbolic_link_loop_a_folder_or_nothing_then_bad_input_says_which()
    {
        using var temp = new TemporaryFolder();
        File.CreateSymbolicLink(temp.File("a"), temp.File("b"));
        File.CreateSymbolicLink(temp.File("b"), temp.File("a"));
        Assert.Contains("symbolic link loop", Assert.Throws<BadInputException>(() => InputFile.ReadAllText(temp.File("a"))).Message);
        Assert.Contains("is a folder, expected a file", Assert.Throws<BadInputException>(() => InputFile.ReadAllText(temp.Path)).Message);
        Assert.Contains("file not found", Assert.Throws<BadInputException>(() => InputFile.ReadAllText(temp.File("none"))).Message);
    }

    [Fact]
    public void Given_a_file_over_the_limit_then_bad_input_names_the_sizes_and_under_it_the_text_comes_back()
    {
        using var temp = new TemporaryFolder();
        File.WriteAllText(temp.File("big.json"), new string(' ', 2000));
        Assert.Contains("2000 bytes, more than the 1000 bytes", Assert.Throws<BadInputException>(() => InputFile.ReadAllText(temp.File("big.json"), 1000)).Message);
        Assert.Equal(2000, InputFile.ReadAllText(temp.File("big.json"), 2000).Length);
    }

    /// <summary>Makes a FIFO with <c>mkfifo</c>.</summary>
    internal static string MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return path;
    }
}
