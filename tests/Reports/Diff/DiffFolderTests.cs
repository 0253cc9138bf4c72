using System.Text.RegularExpressions;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Reports.Diff;
using Xunit;

namespace CircuitFinder.Tests.Reports.Diff;

public sealed class DiffFolderTests
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public void Given_token_strings_with_markup_when_the_diff_is_written_then_html_and_markdown_escape_them_and_the_html_embeds_every_plot()
    {
        using var folder = new TemporaryFolder();
        string dir = folder.File("out");
        using (var output = OutputFolder.Claim(dir, "diff"))
        {
            DiffFolder.Write(output, Report(), "1.2.3");
        }

        string html = File.ReadAllText(Path.Combine(dir, "diff.html"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html);
        var sources = Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, sources.Count); // logprobs, difference, weights-heads, dla-heads, patching-heads
        Assert.All(sources, s => Assert.StartsWith("data:image/png;base64,", s));
        Assert.DoesNotContain("href=", html);
        string markdown = File.ReadAllText(Path.Combine(dir, "diff.md"));
        Assert.DoesNotContain("<script", markdown);
        Assert.Contains("![patching-heads](patching-heads.png)", markdown);
        Assert.Contains("\"schema\": \"circuitfinder/diff@1\"", File.ReadAllText(Path.Combine(dir, "diff.json")));
    }

    private static ModelDiffReport Report()
    {
        var positions = Enumerable.Range(0, 4)
            .Select(i => new TokenDiff(i, 1, Script, "ctx " + Script, -2.0 - i, -1.0, 0.5))
            .ToList();
        var text = new TextDiff([0, 1, 1, 1, 1], ["<bos>", Script, Script, Script, Script], 1, positions, positions.Take(2).ToList());
        var heads = new List<UnitWeightDiff> { new("L0H0", 0, 0, 1, 1, 0.5), new("L0H1", 0, 1, 1, 1, 0) };
        var inside = new InsideDiff(
            [new WeightDiff("blocks.0.attn.W_O", [2, 4, 8], 1, 1, 0.5)],
            heads,
            [],
            [new ActivationDiff("blocks.0.hook_resid_pre", 0.1, 1)],
            [new AttributionDiff("L0H0", 0.1, 0.4, 0.3), new AttributionDiff("L0H1", 0, 0, 0), new AttributionDiff("embed", 1, 1, 0)],
            new PatchingDiff([0, 1], 2, [new PatchRecovery("L0H0", "head", 0, 0, 0.9), new PatchRecovery("L0H1", "head", 0, 1, 0.1), new PatchRecovery("resid_post", "resid", 0, null, 1)]),
            null);
        return new ModelDiffReport("a " + Script, "b", text, [new TaskDiff(Script, 3, "logit-diff", 1, 2, 0.5, 1)], inside, null);
    }
}
