using System.Diagnostics;
using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Reports.CircuitPages;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Reports.CircuitPages;

/// <summary>
/// circuit.html on a GPT-2-small-shaped graph (12 layers × 12 heads with MLPs, q/k/v level: 32,491 edges) with seeded
/// random scores: it opens, shows the documented counts and redraws every edge in a few seconds in headless Chromium.
/// </summary>
public sealed class CircuitPageScaleTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void A_gpt2_small_shaped_graph_of_32491_scored_edges_opens_and_redraws_in_a_few_seconds()
    {
        var graph = ComputeGraph.Build(new GraphShape(12, 12, 3072, AttnOnly: false, ParallelAttnMlp: false), GraphLevel.Qkv);
        Assert.Equal(32_491, graph.Edges.Count);
        var random = new Random(18);
        var scores = graph.Edges.ToDictionary(e => e, _ => (random.NextDouble() - 0.4) * Math.Exp(-4 * random.NextDouble()));
        var circuit = Circuit.TopK(graph, scores, 300);
        using var folder = new TemporaryFolder();
        string html = folder.File("gpt2-shaped.html");
        File.WriteAllText(html, CircuitHtml.Write(new CircuitPage("GPT-2-small-shaped graph, seeded random scores", graph, circuit, scores)));
        output.WriteLine($"page: {new FileInfo(html).Length / 1e6:F1} MB");
        HeadlessChromium.Require();

        var clock = Stopwatch.StartNew();
        var (dom, log) = HeadlessChromium.DumpDom(html);
        double openWall = clock.Elapsed.TotalSeconds;
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(300, PageProbe.DrawnEdges(dom));
        double open = PageProbe.BodyNumber(dom, "data-open-ms");

        // |score| ≥ t shows exactly the edges whose (6-digit) score reaches t; t lies between the 1000th and 1001st
        var magnitudes = scores.Values.Select(s => Math.Abs(double.Parse(s.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))).OrderDescending().ToList();
        double t = (magnitudes[999] + magnitudes[1000]) / 2;
        (dom, log) = HeadlessChromium.DumpDom(html, $"#mode=above&value={t.ToString("R", CultureInfo.InvariantCulture)}");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(1000, PageProbe.DrawnEdges(dom));
        Assert.StartsWith("showing 1000 of 32491 edges (300 of 300 circuit edges)", PageProbe.Count(dom).Text, StringComparison.Ordinal);

        clock.Restart();
        (dom, log) = HeadlessChromium.DumpDom(html, "#mode=top&value=32491");
        double allWall = clock.Elapsed.TotalSeconds;
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(32_491, PageProbe.DrawnEdges(dom));
        double redraw = PageProbe.BodyNumber(dom, "data-draw-ms");

        clock.Restart();
        HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "gpt2-shaped-all-edges.png"), "#mode=top&value=32491");
        double paintWall = clock.Elapsed.TotalSeconds;
        HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "gpt2-shaped-circuit.png"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"32,491 edges: open (script, 300 edges drawn) {open:F0} ms; redraw of all 32,491 edges (script + style + layout) {redraw:F0} ms; " +
            $"chromium wall: open + dump {openWall:F1} s, all edges + dump {allWall:F1} s, all edges + screenshot {paintWall:F1} s"));
        Assert.True(open < 3000, $"opening took {open} ms");
        Assert.True(redraw < 5000, $"redrawing all edges took {redraw} ms");
    }
}
