using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class AttentionCommandTests
{
    [Fact]
    public void Given_heads_and_a_whole_layer_when_writing_attention_then_the_page_has_a_table_per_head_and_a_png_per_head_beside_it()
    {
        using var folder = new TemporaryFolder();
        string html = folder.File("attn.html");
        var run = CliRun.Of("attention", "--model", "zoo:attn-only-2l", "--task", "induction", "--prompt-index", "2", "--heads", "L0H1,L1", "--out", html);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            ["attn-L0H1.png", "attn-L1H0.png", "attn-L1H1.png", "attn-L1H2.png", "attn-L1H3.png", "attn.html"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string page = File.ReadAllText(html);
        Assert.Equal(5, page.Split("<table>").Length - 1);
        Assert.Contains("<h2>L1H3</h2>", page);
        Assert.Contains("&lt;bos&gt;", page);
        Assert.DoesNotContain("<bos>", page);
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("src=", page); // self-contained: nothing fetched
    }

    [Theory]
    [InlineData("--heads", "L1H7", "--heads: unknown head 'L1H7'")]
    [InlineData("--heads", "L9", "--heads: unknown layer 'L9'")]
    [InlineData("--heads", "head3", "--heads: 'head3' is not a head label")]
    [InlineData("--prompt-index", "99", "--prompt-index 99: the task has prompts 0..9")]
    public void Given_an_unknown_head_or_prompt_when_writing_attention_then_exit_2_names_it_and_nothing_is_written(string option, string value, string message)
    {
        using var folder = new TemporaryFolder();
        string html = folder.File("attn.html");
        string[] rest = option == "--heads" ? ["--heads", value] : ["--heads", "L0H1", option, value];
        var run = CliRun.Of(["attention", "--model", "zoo:attn-only-2l", "--task", "induction", .. rest, "--out", html]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }
}
