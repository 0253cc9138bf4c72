using CircuitFinder.Graph;
using CircuitFinder.Graph.Views;
using CircuitFinder.Reports.CircuitPages;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Reports.CircuitPages;

/// <summary>circuit.html from the library: layout, escaping, output checks, and the page in headless Chromium.</summary>
public sealed class CircuitHtmlTests(ITestOutputHelper output)
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    [Fact]
    public void Layout_puts_input_at_the_bottom_logits_on_top_and_each_layers_mlp_above_its_heads()
    {
        var graph = ComputeGraph.Build(new GraphShape(3, 4, 16, AttnOnly: false, ParallelAttnMlp: false), GraphLevel.Qkv);
        var (places, rows) = CircuitLayout.Of(graph);
        Assert.Equal(8, rows);
        Assert.Equal((0, 0.5), places[Node.Input]);
        Assert.Equal(rows - 1, places[Node.Logits].Row);
        Assert.Equal(1, places[Node.Head(0, 3)].Row);
        Assert.Equal(2, places[Node.Mlp(0)].Row);
        Assert.Equal(5, places[Node.Head(2, 0)].Row);
        Assert.True(places[Node.Head(1, 0)].X < places[Node.Head(1, 3)].X);
        var attnOnly = CircuitLayout.Of(ComputeGraph.Build(new GraphShape(2, 2, 0, AttnOnly: true, ParallelAttnMlp: false), GraphLevel.Head));
        Assert.Equal(4, attnOnly.Rows);
        Assert.Equal(2, attnOnly.Places[Node.Head(1, 1)].Row);
        var neurons = CircuitLayout.Of(ComputeGraph.Build(new GraphShape(2, 2, 4, AttnOnly: false, ParallelAttnMlp: false), GraphLevel.Neuron));
        Assert.Equal(8, neurons.Rows); // per layer: heads, the MLP's input, its neurons
        Assert.Equal(2, neurons.Places[Node.Mlp(0)].Row);
        Assert.Equal(3, neurons.Places[Node.Neuron(0, 1)].Row);
        Assert.Equal(4, neurons.Places[Node.Head(1, 0)].Row);
        Assert.True(neurons.Places[Node.Neuron(1, 0)].X < neurons.Places[Node.Neuron(1, 3)].X);
    }

    [Fact]
    public void Token_strings_ids_and_titles_are_carried_as_escaped_data_never_as_markup()
    {
        string html = CircuitHtml.Write(HostilePage());
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(2)</script>", html, StringComparison.Ordinal);
        Assert.Contains("\\u003cimg src=x onerror=alert(1)\\u003e", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/script&gt;", html, StringComparison.Ordinal); // the title, HTML-encoded
        var data = PageProbe.Data(html);
        Assert.Equal(Hostile, (string?)data["views"]!["prompts"]![0]![1]);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal); // nothing is fetched
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_file_the_tool_did_not_write_is_refused_naming_the_option_and_left_as_it_was()
    {
        using var folder = new TemporaryFolder();
        string page = folder.File("mine.html");
        File.WriteAllText(page, "<html>my notes</html>");
        var error = Assert.Throws<BadInputException>(() => CircuitPageFile.Check(page));
        Assert.Contains($"--out {page}", error.Message, StringComparison.Ordinal);
        Assert.Equal("<html>my notes</html>", File.ReadAllText(page));
        File.WriteAllText(page, CircuitHtml.Write(HostilePage()));
        CircuitPageFile.Check(page); // its own page may be replaced
    }

    [SkippableFact]
    public void In_chromium_the_page_draws_the_circuit_obeys_the_control_and_shows_hostile_tokens_as_text()
    {
        HeadlessChromium.Require();
        using var folder = new TemporaryFolder();
        var page = HostilePage();
        string html = folder.File("circuit.html");
        File.WriteAllText(html, CircuitHtml.Write(page));

        var (dom, log) = HeadlessChromium.DumpDom(html);
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(page.Circuit.Count, PageProbe.DrawnEdges(dom));
        Assert.Equal(page.Circuit.Count, PageProbe.Count(dom).Shown);

        (dom, log) = HeadlessChromium.DumpDom(html, "#mode=top&value=5");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(5, PageProbe.DrawnEdges(dom));
        Assert.StartsWith($"showing 5 of {page.Graph.Edges.Count} edges", PageProbe.Count(dom).Text, StringComparison.Ordinal);

        (dom, log) = HeadlessChromium.DumpDom(html, "#node=a1.h0");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", dom, StringComparison.Ordinal); // shown as text in the attention table
        Assert.DoesNotContain("<img", dom, StringComparison.Ordinal);
        Assert.Contains("direct logit attribution", dom, StringComparison.Ordinal);
        string shot = HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "hostile-node-panel.png"), "#node=a1.h0");
        output.WriteLine($"screenshot: {Path.Combine(PageProbe.OutputFolder, "hostile-node-panel.png")} {shot.Length}");
    }

    [SkippableFact]
    public void A_positional_graph_draws_each_position_groups_edge_apart_and_carries_the_groups_as_data()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 0, AttnOnly: true, ParallelAttnMlp: false), GraphLevel.Qkv, GraphPositions.OfLabels(["S2", "end", "other"]));
        var scores = graph.Edges.Select((e, i) => (e, s: (i + 1.0) / graph.Edges.Count)).ToDictionary(p => p.e, p => p.s);
        var circuit = new Circuit(graph.Edges.Where(e => e.Source == Node.Head(0, 0) && e.Destination == Node.Head(1, 0) && e.Input == QkvInput.K));
        Assert.Equal(3, circuit.Count); // the edge at S2, end and other
        string text = CircuitHtml.Write(new CircuitPage("positions", graph, circuit, scores, null, null, null));
        var data = PageProbe.Data(text);
        Assert.Equal(["S2", "end", "other"], data["positions"]!.Select(t => (string)t!));
        Assert.Equal(graph.Edges.Select(e => graph.Positions!.IndexOf(e.Position)), data["edges"]!["pos"]!.Select(t => (int)t));

        HeadlessChromium.Require();
        using var folder = new TemporaryFolder();
        string html = folder.File("circuit.html");
        File.WriteAllText(html, text);
        var (dom, log) = HeadlessChromium.DumpDom(html);
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(3, PageProbe.DrawnEdges(dom));
        var paths = System.Text.RegularExpressions.Regex.Matches(dom, "<path class=\"edge [^>]* d=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, paths.Distinct().Count()); // the three copies do not lie on top of each other
    }

    /// <summary>A 2-layer, 2-head graph whose task tokens, task name and title try to become markup.</summary>
    internal static CircuitPage HostilePage()
    {
        var graph = ComputeGraph.Build(new GraphShape(2, 2, 0, AttnOnly: true, ParallelAttnMlp: false), GraphLevel.Qkv);
        var scores = graph.Edges.Select((e, i) => (e, s: (i % 3 == 0 ? -1.0 : 1.0) * (i + 1) / graph.Edges.Count)).ToDictionary(p => p.e, p => p.s);
        var circuit = Circuit.TopK(graph, scores, 6);
        string[] tokens = ["<bos>", Hostile, "</script><script>alert(3)</script>"];
        var pattern = ViewMap.From("L1H0", "L1H0", "query", "key", tokens, tokens, new double[,] { { 1, 0, 0 }, { 0.5, 0.5, 0 }, { 0.2, 0.7, 0.1 } }, "attention", 0, 1);
        var views = new NodeViews(
            [tokens],
            new Dictionary<string, IReadOnlyList<ViewMap>> { [Node.Head(1, 0).Id] = [pattern] },
            new Dictionary<string, double> { [Node.Head(1, 0).Id] = 1.5 },
            "logit('" + Hostile + "')");
        var run = new JObject { ["format"] = "circuit.json", ["task"] = new JObject { ["name"] = Hostile }, ["method"] = new JObject { ["name"] = "eap" } };
        return new CircuitPage("eap on </script><script>alert(2)</script>", graph, circuit, scores, run, null, views);
    }
}
