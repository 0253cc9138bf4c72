using CircuitFinder.Tests.Model.Hub;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary><c>pull</c>, <c>--download</c> and models by name through the command, with the environment given per run (never the real cache or network).</summary>
public sealed class PullCommandTests
{
    private const string Repo = "test/tiny";

    [Fact]
    public void Pull_then_info_with_the_hub_offline_reads_the_cached_snapshot()
    {
        using var folder = new TemporaryFolder();
        var env = Environment(folder, out var hub);
        string commit = hub.Commit(Repo, "v2");
        using (hub)
        {
            var pull = CliRun.With(env, "pull", $"{Repo}@v2", "--quiet");
            Assert.True(pull.ExitCode == 0, pull.Stderr);
            Assert.Contains($"{Repo}@v2 {commit}", pull.Stdout);
        }

        var offline = new Dictionary<string, string>(env) { ["HF_HUB_OFFLINE"] = "1" };
        var info = CliRun.With(offline, "info", "--model", $"{Repo}@v2", "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        var json = JObject.Parse(info.Stdout);
        Assert.Equal("huggingface-gpt-neox", (string?)json["layout"]);
        Assert.Contains(commit, (string?)json["source"]);

        var main = CliRun.With(offline, "info", "--model", Repo);
        Assert.Equal(2, main.ExitCode);
        Assert.Contains("revision 'main' of test/tiny is not in the HuggingFace cache", main.Stderr);
        var download = CliRun.With(offline, "info", "--model", Repo, "--download");
        Assert.Equal(2, download.ExitCode);
        Assert.Contains("HF_HUB_OFFLINE", download.Stderr);
        var refused = CliRun.With(offline, "pull", Repo);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("HF_HUB_OFFLINE", refused.Stderr);
    }

    [Fact]
    public void Download_on_a_model_option_fetches_what_is_missing_then_uses_the_cache()
    {
        using var folder = new TemporaryFolder();
        var env = Environment(folder, out var hub);
        using (hub)
        {
            var run = CliRun.With(env, "info", "--model", Repo, "--download");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("huggingface-gpt2", run.Stdout);
            Assert.Contains(hub.Requests, r => r.StartsWith("GET /cdn/", StringComparison.Ordinal));
        }

        var again = CliRun.With(env, "info", "--model", Repo, "--download", "--quiet");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("512 B 3.4 MB 1.20 GB", string.Join(" ", new[] { 512L, 3_400_000, 1_200_000_000 }.Select(CircuitFinder.Cli.HubProgress.Bytes)));
    }

    [Fact]
    public void Pull_errors_are_exit_2_and_say_what_happened()
    {
        using var folder = new TemporaryFolder();
        var env = Environment(folder, out var hub);
        using (hub)
        {
            var missing = CliRun.With(env, "pull", "test/nothing", "--quiet");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("test/nothing@main: no such model or revision", missing.Stderr);

            var revision = CliRun.With(env, "pull", Repo, "--revisions", "step9,v2", "--quiet");
            Assert.Equal(2, revision.ExitCode);
            Assert.Contains("test/tiny@step9: no such revision", revision.Stderr);

            hub.RequiredToken = "secret";
            var gated = CliRun.With(env, "pull", Repo, "--quiet");
            Assert.Equal(2, gated.ExitCode);
            Assert.Contains("HTTP 401", gated.Stderr);
            Assert.Contains("set HF_TOKEN", gated.Stderr);
            var withToken = CliRun.With(new Dictionary<string, string>(env) { ["HF_TOKEN"] = "secret" }, "pull", Repo, "--quiet");
            Assert.True(withToken.ExitCode == 0, withToken.Stderr);

            hub.WrongSha256.Add("model.safetensors");
            var corrupt = CliRun.With(new Dictionary<string, string>(env) { ["HF_TOKEN"] = "secret" }, "pull", $"{Repo}@v2", "--quiet");
            Assert.Equal(2, corrupt.ExitCode);
            Assert.Contains("checksum mismatch", corrupt.Stderr);
            Assert.False(Directory.Exists(Path.Combine(env["HF_HUB_CACHE"], "models--test--tiny", "snapshots", hub.Commit(Repo, "v2"))));
        }

        var unknown = CliRun.With(env, "info", "--model", "pythia-70n");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("did you mean 'pythia-70m'", unknown.Stderr);
    }

    /// <summary>The environment a run sees: a cache in the temporary folder and the fake hub's address, nothing else.</summary>
    internal static Dictionary<string, string> Environment(TemporaryFolder folder, out FakeHub hub)
    {
        hub = new FakeHub();
        hub.AddFolder(Repo, "main", FixturePaths.Model("gpt2-tiny"));
        hub.AddFolder(Repo, "v2", FixturePaths.Model("pythia-tiny"));
        return new Dictionary<string, string> { ["HF_HUB_CACHE"] = folder.File("hub"), ["HF_ENDPOINT"] = hub.Endpoint, ["HOME"] = folder.File("home") };
    }
}
