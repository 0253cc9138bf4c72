using System.Text;
using CircuitFinder.Graph.Heads;
using CircuitFinder.Reports.Wiki;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Reports;

/// <summary>The wiki renderer: PNGs really render, token strings are escaped in Markdown and HTML, head tables round-trip through JSON.</summary>
public sealed class WikiSiteTests
{
    private const string Hostile = "<script>alert(1)</script>";

    [Fact]
    public void Heat_maps_and_step_curves_render_as_PNG_images_of_the_requested_size()
    {
        var png = WikiPlots.HeatMap(Table("m", null), "induction");
        var (width, height) = PngSize(png);
        Assert.True(width >= 360 && height >= 260, $"{width}x{height}");
        var curves = WikiPlots.StepCurves([Table("s0", 0), Table("s1", 10), Table("s2", 100)], "induction");
        Assert.Equal((900, 420), PngSize(curves));
    }

    [Fact]
    public void Token_strings_and_names_with_script_tags_are_escaped_in_every_page()
    {
        var family = new WikiFamily
        {
            Title = "family " + Hostile,
            Models = [Table(Hostile, null)],
            Categories = [new WikiCategory("induction", "induction", "induction ≥ 0.3", "attends after " + Hostile)],
        };
        var files = WikiSite.Render(family);
        foreach (var (path, bytes) in files.Where(f => f.Key.EndsWith(".html", StringComparison.Ordinal) || f.Key.EndsWith(".md", StringComparison.Ordinal)))
        {
            string text = Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
        }

        string model = Encoding.UTF8.GetString(files.Single(f => f.Key.StartsWith("models/", StringComparison.Ordinal) && f.Key.EndsWith(".html", StringComparison.Ordinal)).Value);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", model);
        Assert.Matches("src=\"../img/[a-z0-9_-]+-induction.png\"", model);
    }

    [Fact]
    public void Head_tables_round_trip_through_JSON_exactly()
    {
        var table = Table("m", 7);
        var json = HeadTableJson.Write(table);
        var back = HeadTableJson.Write(HeadTableJson.Read(JObject.Parse(json.ToString()), "test"));
        Assert.True(JToken.DeepEquals(json, back));
        Assert.Equal(0.1 + 0.2, (double)back["heads"]![1]!["scores"]!["induction"]!);
    }

    private static WikiHeadTable Table(string name, long? step) => new()
    {
        Model = name,
        Step = step,
        NLayers = 2,
        NHeads = 2,
        Columns = ["induction", "s-inhibition"],
        Scores = [[0.01, 0.1 + 0.2, 0.5 + ((step ?? 0) / 1000.0), 0.02], [0.5, null, null, null]],
        Labels = [[], [], ["induction"], []],
        Pairs = [new WikiPair("L0H0", "L1H0", "k", 0.4)],
        Baselines = new Dictionary<string, double> { ["k-composition"] = 0.1 },
        Examples = new Dictionary<string, IReadOnlyList<string>> { ["repeated input"] = ["<bos>", Hostile, "a"] },
    };

    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        int Int(int offset) => (png[offset] << 24) | (png[offset + 1] << 16) | (png[offset + 2] << 8) | png[offset + 3];
        return (Int(16), Int(20));
    }
}
