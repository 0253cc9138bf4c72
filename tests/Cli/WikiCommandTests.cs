using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Cli;

/// <summary>The head-category wiki on the zoo's attention-only family and checkpoints, shards, and the pages in a headless browser.</summary>
public sealed class WikiCommandTests(ITestOutputHelper output)
{
    [Fact]
    public void Attention_only_family_has_previous_token_heads_in_layer_0_and_induction_heads_later()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("wiki", "--models", "zoo:attn-only-1l", "zoo:attn-only-2l", "zoo:attn-only-3l", "--detectors", "previous-token,induction", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var models = (JArray)JObject.Parse(File.ReadAllText(folder.File("heads.json")))["models"]!;
        foreach (var model in models.Skip(1))
        {
            var heads = (JArray)model["heads"]!;
            var previous = heads.Where(h => h["labels"]!.Values<string>().Contains("previous-token")).ToList();
            var induction = heads.Where(h => h["labels"]!.Values<string>().Contains("induction")).ToList();
            output.WriteLine($"{model["model"]}: previous-token {string.Join(" ", previous.Select(h => h["id"]))}; induction {string.Join(" ", induction.Select(h => h["id"]))}");
            Assert.NotEmpty(previous);
            Assert.NotEmpty(induction);
            Assert.All(previous, h => Assert.Equal(0, (int)h["layer"]!));
            Assert.All(induction, h => Assert.True((int)h["layer"]! > 0));
        }

        Assert.True(File.Exists(folder.File("img/zoo-attn-only-2l-induction.png")));
        Assert.True(File.Exists(folder.File("models/zoo-attn-only-3l.md")));
        Assert.True(File.Exists(folder.File("categories/induction.html")));
    }

    [Fact]
    public void Induction_score_rises_sharply_between_two_checkpoints_of_attn_only_2l()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("wiki", "--family", "zoo:attn-only-2l", "--detectors", "previous-token,induction", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JObject.Parse(File.ReadAllText(folder.File("heads.json")));
        Assert.True((bool)json["checkpoints"]!);
        Assert.Equal(12, ((JArray)json["models"]!).Count);
        var rise = json["phase_changes"]!.Single(p => (string?)p["column"] == "induction");
        output.WriteLine(rise.ToString());
        Assert.True((double)rise["from_score"]! < 0.1 && (double)rise["to_score"]! > 0.3, rise.ToString());
        Assert.Equal("L1H2", (string?)rise["head"]);
        Assert.True(File.Exists(folder.File("img/steps-induction.png")));
        Assert.Contains("induction: ", File.ReadAllText(folder.File("index.md")));
    }

    [Fact]
    public void Two_shards_merged_equal_a_single_unsharded_run_byte_for_byte()
    {
        using var folder = new TemporaryFolder();
        string[] family = ["wiki", "--models", "zoo:attn-only-1l", "zoo:attn-only-2l", "zoo:planted-induction", "--detectors", "previous-token,induction,copying,composition", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. family, "--out", folder.File("single")]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. family, "--shard", "1/2", "--out", folder.File("s1")]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. family, "--shard", "2/2", "--out", folder.File("s2")]).ExitCode);
        var incomplete = CliRun.Of("wiki", "merge", folder.File("s1"), "--out", folder.File("bad"), "--quiet");
        Assert.Equal(2, incomplete.ExitCode);
        Assert.Contains("missing shards: 2/2", incomplete.Stderr);
        var merge = CliRun.Of("wiki", "merge", folder.File("s2"), folder.File("s1"), "--out", folder.File("merged"), "--quiet");
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        var single = Files(folder.File("single"));
        var merged = Files(folder.File("merged"));
        Assert.Equal(single.Keys, merged.Keys);
        Assert.All(single, f => Assert.True(f.Value.SequenceEqual(merged[f.Key]), $"{f.Key} differs"));
        Assert.Contains("img/zoo-planted-induction-k-composition.png", single.Keys);
    }

    [Theory]
    [InlineData(new[] { "wiki", "--out", "OUT" }, "give either --models M1 M2 ... or --family DIR")]
    [InlineData(new[] { "wiki", "--models", "zoo:attn-only-1l", "--shard", "3/2", "--out", "OUT" }, "--shard: expected i/n")]
    [InlineData(new[] { "wiki", "--family", "/nonexistent/family", "--out", "OUT" }, "--family /nonexistent/family: folder not found")]
    [InlineData(new[] { "wiki", "--family", "zoo:planted-ioi", "--out", "OUT" }, "ships no checkpoints")]
    [InlineData(new[] { "wiki", "merge", "/nonexistent/shard", "--out", "OUT" }, "/nonexistent/shard: shard file not found")]
    public void Bad_wiki_arguments_exit_2_naming_the_option_and_write_nothing(string[] args, string message)
    {
        using var folder = new TemporaryFolder();
        string target = folder.File("site");
        var run = CliRun.Of([.. args.Select(a => a == "OUT" ? target : a), "--quiet"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(target));
    }

    [SkippableFact]
    public void Pages_open_in_headless_chromium_and_show_script_tokens_as_text()
    {
        HeadlessChromium.Require();
        using var folder = new TemporaryFolder();
        string model = folder.File("hostile");
        SaveHostileModel(model);
        var run = CliRun.Of("wiki", "--models", model, "--detectors", "previous-token,induction", "--out", folder.File("site"), "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        string modelPage = Path.GetRelativePath(folder.File("site"), Directory.GetFiles(folder.File("site/models"), "*.html").Single());
        var pages = new[] { "index.html", modelPage, "categories/induction.html" };
        foreach (var page in pages)
        {
            Assert.True(File.Exists(folder.File(Path.Combine("site", page))), page);
            var (dom, log) = HeadlessChromium.DumpDom(folder.File(Path.Combine("site", page)));
            Assert.Contains("</html>", dom);
            Assert.DoesNotContain("Uncaught", log);
            Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
            if (page.StartsWith("models/", StringComparison.Ordinal))
            {
                Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);
            }
        }
    }

    private static void SaveHostileModel(string folder)
    {
        var config = new HookedTransformerConfig
        {
            NLayers = 2, DModel = 16, NHeads = 2, DHead = 8, DVocab = 4, NCtx = 16, AttnOnly = true, ModelName = "hostile",
        }.Validate("hostile");
        using var model = RandomWeights.CreateModel(config, 3, 0.5);
        TransformerLensSaver.Save(model, folder, PlainVocabularyTokenizer.FromTokens(["<bos>", "<script>alert(1)</script>", "a", "b"]));
    }

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);
}
