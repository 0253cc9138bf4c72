using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Reports.CircuitPages;

/// <summary>
/// Reads what a circuit report holds and what Chromium drew of it: the embedded data, the edges and the count line in a
/// dumped DOM, the page's own timings, and the folder the tests write their screenshots to.
/// </summary>
public static partial class PageProbe
{
    /// <summary>Where the tests leave their screenshots (under the test binaries; docs/ holds a copy of one).</summary>
    public static string OutputFolder
    {
        get
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "test-output", "circuit-report");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>The JSON the page carries in <c>script#circuit-data</c>.</summary>
    public static JObject Data(string html)
    {
        const string open = "<script type=\"application/json\" id=\"circuit-data\">";
        int start = html.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, "no circuit-data element");
        start += open.Length;
        int end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        return JObject.Parse(html[start..end]);
    }

    /// <summary>How many edge paths the page drew.</summary>
    public static int DrawnEdges(string dom) => EdgePath().Matches(dom).Count;

    /// <summary>The <c>data-shown</c> count and the text of the count line.</summary>
    public static (int Shown, string Text) Count(string dom)
    {
        var match = CountSpan().Match(dom);
        Assert.True(match.Success, "no count line in the DOM");
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value);
    }

    /// <summary>A number the page's script put on &lt;body&gt; (<c>data-open-ms</c>, <c>data-draw-ms</c>).</summary>
    public static double BodyNumber(string dom, string attribute)
    {
        var match = Regex.Match(dom, $"<body[^>]* {attribute}=\"([0-9.]+)\"");
        Assert.True(match.Success, $"no {attribute} on <body>");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Asserts that the page ran to its end without a script error (neither caught by the page nor in the console log).</summary>
    public static void AssertNoScriptErrors(string dom, string log)
    {
        Assert.DoesNotContain("data-errors=", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Content Security Policy", log, StringComparison.Ordinal);
        Assert.Matches("<body[^>]* data-ready=\"1\"", dom);
    }

    [GeneratedRegex("<path class=\"edge ")]
    private static partial Regex EdgePath();

    [GeneratedRegex("<span id=\"count\" data-shown=\"([0-9]+)\"[^>]*>([^<]*)<")]
    private static partial Regex CountSpan();
}
