using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Model.Loading;
using CircuitFinder.Reports.Wiki;
using CircuitFinder.Tests.Cli;
using Xunit;

namespace CircuitFinder.Tests.Detectors.Runs;

/// <summary>
/// A researcher builds a wiki and runs detection from C# through the library services alone (no CLI type), and gets
/// the very bytes the <c>wiki</c> and <c>detect</c> commands write.
/// </summary>
public sealed class LibraryRunsTests
{
    private static readonly string[] Models = ["zoo:attn-only-1l", "zoo:planted-induction"];

    [Fact]
    public void Given_a_family_when_the_wiki_is_built_through_the_library_then_its_site_and_shard_equal_the_commands_byte_for_byte()
    {
        using var folder = new TemporaryFolder();
        string[] command = ["wiki", "--models", .. Models, "--detectors", "previous-token,induction", "--quiet"];
        var single = CliRun.Of([.. command, "--out", folder.File("cli")]);
        Assert.True(single.ExitCode == 0, single.Stderr);
        var sharded = CliRun.Of([.. command, "--shard", "2/2", "--out", folder.File("cli-shard")]);
        Assert.True(sharded.ExitCode == 0, sharded.Stderr);

        var family = ModelFamily.FromModels(Models, "models");
        var detectors = HeadDetectorCatalog.Select(["previous-token", "induction"]);
        var whole = WikiBuild.Scan(family, FamilyShard.All, detectors);
        WikiSite.Write(folder.File("lib"), WikiMerge.Single(new WikiShard(whole, family.Names, 1, 1)));
        var second = new FamilyShard(2, 2);
        var part = WikiBuild.Scan(family, second, detectors);
        string shardFile = WikiShardFile.Write(folder.File("lib-shard"), new WikiShard(part, family.Names, second.Index, second.Count));

        var cli = Files(folder.File("cli"));
        var lib = Files(folder.File("lib"));
        Assert.Equal(cli.Keys.Order(StringComparer.Ordinal), lib.Keys.Order(StringComparer.Ordinal));
        Assert.All(cli, f => Assert.True(f.Value.SequenceEqual(lib[f.Key]), $"{f.Key} differs"));
        Assert.Equal(File.ReadAllBytes(folder.File("cli-shard/shard.json")), File.ReadAllBytes(shardFile));
    }

    [Fact]
    public void Given_a_model_when_detection_runs_through_the_library_then_its_JSON_and_text_equal_the_commands()
    {
        string[] command = ["detect", "--model", "zoo:planted-induction", "--detectors", "previous-token,induction,composition", "--quiet"];
        var json = CliRun.Of([.. command, "--json"]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        var text = CliRun.Of(command);
        Assert.True(text.ExitCode == 0, text.Stderr);

        using var loaded = ModelLoader.Load("zoo:planted-induction");
        var steps = new List<string>();
        var table = DetectionRun.Run(loaded, HeadDetectorCatalog.Select(["previous-token", "induction", "composition"]), progress: new Recorder(steps));
        var wiki = HeadTables.ToWiki(table);

        Assert.Equal(json.Stdout, JsonFiles.Format(HeadTableJson.Write(wiki)) + "\n");
        Assert.Equal(text.Stdout, HeadTableText.Write(wiki));
        Assert.Equal(["previous-token", "induction", "composition", "done"], steps);
    }

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    /// <summary>Records progress steps synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Recorder(List<string> steps) : IProgress<(string Step, double Fraction)>
    {
        public void Report((string Step, double Fraction) value) => steps.Add(value.Step);
    }
}
