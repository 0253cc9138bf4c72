using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tests.Reports.CircuitPages;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Cli;

/// <summary>circuit.html from <c>discover</c>, <c>verify --out</c> and <c>circuitfinder report</c>, checked as data and in headless Chromium.</summary>
public sealed class ReportCommandTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Discover_writes_circuit_html_beside_circuit_json_and_chromium_draws_exactly_the_circuits_edges()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("--quiet", "discover", "--model", "zoo:attn-only-2l", "--task", "induction", "--method", "eap-ig", "--edges", "12", "--n", "8", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("circuit.html", run.Stderr, StringComparison.Ordinal);
        var circuit = JObject.Parse(File.ReadAllText(folder.File("out/circuit.json")));
        int circuitEdges = (int)circuit["circuit"]!["edges"]!;
        string html = folder.File("out/circuit.html");
        var data = PageProbe.Data(File.ReadAllText(html));
        Assert.Equal(81, ((JArray)data["edges"]!["id"]!).Count); // the whole scored graph is embedded
        Assert.Equal(circuitEdges, data["edges"]!["in"]!.Values<int>().Sum());
        Assert.Equal("eap-ig", (string?)data["run"]!["method"]!["name"]);
        var head = ((JArray)data["nodes"]!).First(n => (bool)n["in"]! && (string?)n["kind"] == "head");
        Assert.NotNull(data["views"]!["patterns"]![(string)head["id"]!]); // the node panel's attention patterns
        Assert.NotNull(data["views"]!["attribution"]![(string)head["id"]!]);

        HeadlessChromium.Require();
        var (dom, log) = HeadlessChromium.DumpDom(html);
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(circuitEdges, PageProbe.DrawnEdges(dom));
        Assert.Equal($"showing {circuitEdges} of 81 edges ({circuitEdges} of {circuitEdges} circuit edges)", PageProbe.Count(dom).Text);
        (dom, log) = HeadlessChromium.DumpDom(html, "#mode=top&value=81");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(81, PageProbe.DrawnEdges(dom));
        Assert.Equal($"showing 81 of 81 edges ({circuitEdges} of {circuitEdges} circuit edges)", PageProbe.Count(dom).Text);
        string fragment = $"#node={Uri.EscapeDataString((string)head["id"]!)}";
        (dom, log) = HeadlessChromium.DumpDom(html, fragment);
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Contains("Attention pattern", dom, StringComparison.Ordinal);
        HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "induction-default.png"));
        HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "induction-node-panel.png"), fragment);
        output.WriteLine($"screenshots in {PageProbe.OutputFolder}");
    }

    [SkippableFact]
    public void Discover_on_a_model_whose_tokens_are_markup_shows_them_as_text()
    {
        using var folder = new TemporaryFolder();
        string model = folder.File("hostile");
        SaveHostileModel(model);
        var run = CliRun.Of("--quiet", "discover", "--model", model, "--task", "induction", "--method", "eap", "--edges", "6", "--n", "4", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        string html = folder.File("out/circuit.html");
        string text = File.ReadAllText(html);
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
        var data = PageProbe.Data(text);
        var head = ((JArray)data["nodes"]!).First(n => (bool)n["in"]! && (string?)n["kind"] == "head");
        Assert.Contains(data["views"]!["prompts"]![0]!.Values<string>(), t => t!.StartsWith("<img src=x onerror=alert(", StringComparison.Ordinal));

        HeadlessChromium.Require();
        var (dom, log) = HeadlessChromium.DumpDom(html, $"#node={Uri.EscapeDataString((string)head["id"]!)}");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Contains("&lt;img src=x onerror=alert(", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", dom, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_reads_an_eap_ig_export_and_a_verification_json_and_verify_out_writes_its_own_page()
    {
        using var folder = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of("--quiet", "discover", "--model", "zoo:planted-induction", "--task", "induction", "--n", "16", "--method", "eap", "--edges", "7", "--out", folder.File("d")).ExitCode);
        var verify = CliRun.Of("--quiet", "verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "16", "--circuit", folder.File("d/circuit.json"), "--no-completeness", "--out", folder.File("v"));
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        var verified = PageProbe.Data(File.ReadAllText(folder.File("v/circuit.html")));
        Assert.Equal(10, ((JArray)verified["verification"]!["curve"]!["points"]!).Count);
        Assert.NotNull(verified["views"]);

        Assert.Equal(0, CliRun.Of("export", folder.File("d/circuit.json"), "--format", "eap-ig", "--out", folder.File("eap.json")).ExitCode);
        var report = CliRun.Of("--quiet", "report", folder.File("eap.json"), folder.File("v/verification.json"), "--out", folder.File("r/eap.html"));
        Assert.True(report.ExitCode == 0, report.Stderr);
        var data = PageProbe.Data(File.ReadAllText(folder.File("r/eap.html")));
        var original = PageProbe.Data(File.ReadAllText(folder.File("d/circuit.html")));
        Assert.Equal("eap-ig", (string?)data["run"]!["format"]);
        Assert.Equal(original["edges"]!["id"], data["edges"]!["id"]);
        Assert.Equal(original["edges"]!["in"], data["edges"]!["in"]);
        Assert.Equal(original["nodes"]!.Select(n => n["row"]), data["nodes"]!.Select(n => n["row"]));
        Assert.NotNull(data["verification"]!["curve"]);
        Assert.Equal(JTokenType.Null, data["views"]!.Type); // no --model: no attention or attribution

        var again = CliRun.Of("--quiet", "report", folder.File("d/circuit.json"), "--out", folder.File("r/eap.html"), "--model", "zoo:planted-induction", "--task", "induction", "--n", "4");
        Assert.True(again.ExitCode == 0, again.Stderr); // its own page is replaced
        Assert.NotEqual(JTokenType.Null, PageProbe.Data(File.ReadAllText(folder.File("r/eap.html")))["views"]!.Type);
    }

    [Fact]
    public void Report_refuses_to_replace_a_file_it_did_not_write_and_leaves_it_as_it_was()
    {
        using var folder = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of("zoo", "truth", "planted-ioi", "--out", folder.File("truth.json")).ExitCode);
        File.WriteAllText(folder.File("notes.html"), "my notes");
        var run = CliRun.Of("report", folder.File("truth.json"), "--out", folder.File("notes.html"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out {folder.File("notes.html")}", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("not a circuit report written by circuitfinder", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("my notes", File.ReadAllText(folder.File("notes.html")));
        var list = CliRun.Of("report", folder.File("truth.json"), "--out", folder.File("truth.html"));
        Assert.True(list.ExitCode == 0, list.Stderr); // an id list: no scores, the circuit alone
        Assert.Equal(JTokenType.Null, PageProbe.Data(File.ReadAllText(folder.File("truth.html")))["edges"]!["score"]!.Type);
    }

    [Theory]
    [InlineData("missing", "missing.json: no such file")]
    [InlineData("bad-verification", "bad.json: not a verification.json")]
    [InlineData("task-without-model", "--task: the attention patterns and attribution need the model too")]
    [InlineData("output-is-input", "is the input")]
    public void Bad_report_arguments_exit_2_naming_the_file_or_option_and_write_nothing(string problem, string message)
    {
        using var folder = new TemporaryFolder();
        Assert.Equal(0, CliRun.Of("zoo", "truth", "planted-ioi", "--out", folder.File("truth.json")).ExitCode);
        File.WriteAllText(folder.File("bad.json"), "{\"schema\": \"something/else@1\"}");
        string target = folder.File("out/page.html");
        string[] args = problem switch
        {
            "missing" => ["report", folder.File("missing.json"), "--out", target],
            "bad-verification" => ["report", folder.File("truth.json"), folder.File("bad.json"), "--out", target],
            "task-without-model" => ["report", folder.File("truth.json"), "--task", "induction", "--out", target],
            _ => ["report", folder.File("truth.json"), "--out", folder.File("truth.json")],
        };
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public void Stories260k_name_copy_report_draws_its_circuit_out_of_2461_edges()
    {
        string model = RealModels.Require("stories260k-hf");
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("--quiet", "discover", "--model", model, "--task", "name-copy", "--n", "8", "--method", "eap-ig", "--edges", "100", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        int circuitEdges = (int)JObject.Parse(File.ReadAllText(folder.File("out/circuit.json")))["circuit"]!["edges"]!;
        string html = folder.File("out/circuit.html");
        Assert.Equal(2461, ((JArray)PageProbe.Data(File.ReadAllText(html))["edges"]!["id"]!).Count);
        HeadlessChromium.Require();
        var (dom, log) = HeadlessChromium.DumpDom(html);
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(circuitEdges, PageProbe.DrawnEdges(dom));
        (dom, log) = HeadlessChromium.DumpDom(html, "#mode=top&value=2461");
        PageProbe.AssertNoScriptErrors(dom, log);
        Assert.Equal(2461, PageProbe.DrawnEdges(dom));
        output.WriteLine($"stories260k: {circuitEdges} circuit edges; all 2,461 redrawn in {PageProbe.BodyNumber(dom, "data-draw-ms")} ms");
        HeadlessChromium.Screenshot(html, Path.Combine(PageProbe.OutputFolder, "stories260k-name-copy.png"), "#node=m0");
    }

    private static void SaveHostileModel(string folder)
    {
        var config = new HookedTransformerConfig
        {
            NLayers = 2, DModel = 16, NHeads = 2, DHead = 8, DVocab = 24, NCtx = 32, AttnOnly = true, ModelName = "hostile",
        }.Validate("hostile");
        using var model = RandomWeights.CreateModel(config, 3, 0.5);
        var tokens = new List<string> { "<bos>" };
        tokens.AddRange(Enumerable.Range(1, 23).Select(i => $"<img src=x onerror=alert({i})>"));
        TransformerLensSaver.Save(model, folder, PlainVocabularyTokenizer.FromTokens(tokens));
    }
}
