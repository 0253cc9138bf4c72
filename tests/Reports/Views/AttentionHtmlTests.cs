using CircuitFinder.Graph.Views;
using CircuitFinder.Reports.Views;
using Xunit;

namespace CircuitFinder.Tests.Reports.Views;

public sealed class AttentionHtmlTests
{
    [Fact]
    public void Given_tokens_that_look_like_markup_when_writing_the_page_then_every_token_string_is_escaped()
    {
        string[] tokens = ["<script>alert(1)</script>", "\"&'", " <b>"];
        var labels = tokens.Select((t, i) => $"{i}:{t}").ToList();
        var values = new double[3, 3] { { 1, 0, 0 }, { 0.5, 0.5, 0 }, { 0.2, 0.3, 0.5 } };
        var map = ViewMap.From("L0H0", "m: L0H0 <i>attention</i>", "query", "key", labels, labels, values, "attention", 0, 1);
        string page = AttentionHtml.Write(new AttentionReport("<model>", "prompt", [1, 2, 3], tokens, [map]));
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("<b>", page);
        Assert.DoesNotContain("<i>", page);
        Assert.DoesNotContain("<model>", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.Contains("&quot;&amp;&#39;", page);
        Assert.Equal(9, page.Split("<td style=").Length - 1);
    }
}
