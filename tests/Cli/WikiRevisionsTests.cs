using CircuitFinder.Model.Zoo;
using CircuitFinder.Tests.Model.Hub;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>wiki --family NAME --revisions …</c>: a hub model's training checkpoints as a family, from a loopback hub.</summary>
public sealed class WikiRevisionsTests
{
    private const string Repo = "test/attn-only-2l";
    private static readonly string[] Steps = ["0", "256", "1024"];

    [Fact]
    public void Revisions_from_the_hub_build_the_same_site_as_the_same_checkpoints_in_step_folders()
    {
        using var folder = new TemporaryFolder();
        using var hub = new FakeHub();
        string family = folder.File("family");
        foreach (var step in Steps)
        {
            string source = Checkpoint(step);
            hub.AddFolder(Repo, "step" + step, source);
            Directory.CreateDirectory(Path.Combine(family, "step" + step));
            foreach (var file in Directory.EnumerateFiles(source))
            {
                File.Copy(file, Path.Combine(family, "step" + step, Path.GetFileName(file)));
            }
        }

        var env = new Dictionary<string, string> { ["HF_HUB_CACHE"] = folder.File("hub"), ["HF_ENDPOINT"] = hub.Endpoint, ["HOME"] = folder.File("home") };
        string[] common = ["--detectors", "previous-token,induction", "--title", "attn-only-2l over training", "--quiet"];
        var fromHub = CliRun.With(env, ["wiki", "--family", Repo, "--revisions", "step1024,step0,step256", "--download", "--out", folder.File("hub-site"), .. common]);
        Assert.True(fromHub.ExitCode == 0, fromHub.Stderr);
        var fromFolders = CliRun.With(env, ["wiki", "--family", family, "--out", folder.File("folder-site"), .. common]);
        Assert.True(fromFolders.ExitCode == 0, fromFolders.Stderr);

        var a = Files(folder.File("hub-site"));
        var b = Files(folder.File("folder-site"));
        Assert.Equal(b.Keys.Order(StringComparer.Ordinal), a.Keys.Order(StringComparer.Ordinal));
        Assert.All(a, f => Assert.True(f.Value.SequenceEqual(b[f.Key]), $"{f.Key} differs"));
        Assert.Contains("img/steps-induction.png", a.Keys);

        var offline = CliRun.With(new Dictionary<string, string>(env) { ["HF_HUB_OFFLINE"] = "1" }, ["wiki", "--family", Repo, "--revisions", "step0,step256,step1024", "--out", folder.File("offline-site"), .. common]);
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        Assert.Equal(a["heads.json"], Files(folder.File("offline-site"))["heads.json"]);
    }

    [Fact]
    public void A_shard_downloads_only_its_own_revisions_and_bad_revision_options_exit_2()
    {
        using var folder = new TemporaryFolder();
        using var hub = new FakeHub();
        foreach (var step in Steps)
        {
            hub.AddFolder(Repo, "step" + step, Checkpoint(step));
        }

        var env = new Dictionary<string, string> { ["HF_HUB_CACHE"] = folder.File("hub"), ["HF_ENDPOINT"] = hub.Endpoint, ["HOME"] = folder.File("home") };
        var shard = CliRun.With(env, "wiki", "--family", Repo, "--revisions", "step0,step256,step1024", "--shard", "2/2", "--download", "--detectors", "induction", "--out", folder.File("s2"), "--quiet");
        Assert.True(shard.ExitCode == 0, shard.Stderr);
        string refs = Path.Combine(folder.File("hub"), "models--test--attn-only-2l", "refs");
        Assert.Equal(["step256"], Directory.GetFiles(refs).Select(Path.GetFileName));

        var notCached = CliRun.With(env, "wiki", "--family", Repo, "--revisions", "step0", "--out", folder.File("x"), "--quiet");
        Assert.Equal(2, notCached.ExitCode);
        Assert.Contains("circuitfinder pull test/attn-only-2l@step0", notCached.Stderr);
        Assert.False(Directory.Exists(folder.File("x")));
        var orphan = CliRun.With(env, "wiki", "--models", "zoo:attn-only-1l", "--revisions", "step0", "--out", folder.File("y"), "--quiet");
        Assert.Equal(2, orphan.ExitCode);
        Assert.Contains("--revisions: give the model with --family NAME", orphan.Stderr);
        var bad = CliRun.With(env, "wiki", "--family", Repo, "--revisions", "step0,step0", "--out", folder.File("z"), "--quiet");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--revisions: revision step0 is given twice", bad.Stderr);
    }

    private static string Checkpoint(string step) =>
        Path.Combine(((TrainedZooModel)ZooCatalog.Get("attn-only-2l")).Folder, "checkpoints", "step_" + step);

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);
}
