using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using Xunit;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>Pulling from a hub on the loopback address into a cache laid out as <c>huggingface_hub</c> lays it out, then loading offline.</summary>
public sealed class HubPullTests
{
    private const string Repo = "test/tiny";

    [Fact]
    public void Given_a_pulled_model_when_loaded_with_the_network_gone_then_the_snapshot_is_read_through_links_into_blobs()
    {
        using var folder = new TemporaryFolder();
        var options = Options(folder);
        string commit;
        using (var hub = Serve(folder, out options))
        {
            commit = hub.Commit(Repo, "main");
            var snapshot = HubPull.Pull(HubReference.Parse(Repo, "test"), options);
            Assert.Equal(commit, snapshot.Commit);
        }

        string repoFolder = Path.Combine(options.CacheFolder, "models--test--tiny");
        Assert.Equal(commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));
        string snapshotFolder = Path.Combine(repoFolder, "snapshots", commit);
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFileSystemEntries(snapshotFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFileSystemEntries(snapshotFolder))
        {
            string? target = new FileInfo(file).LinkTarget;
            Assert.NotNull(target);
            Assert.StartsWith("../../blobs/", target, StringComparison.Ordinal);
        }

        Assert.Equal(FakeHub.Sha256(File.ReadAllBytes(Path.Combine(FixturePaths.Model("gpt2-tiny"), "model.safetensors"))), Path.GetFileName(new FileInfo(Path.Combine(snapshotFolder, "model.safetensors")).LinkTarget));
        Assert.Empty(Directory.GetFiles(Path.Combine(repoFolder, "blobs"), "*.incomplete"));

        using var loaded = ModelLoader.Load(Repo, new LoadOptions { Hub = options with { Offline = true } });
        Assert.Equal("huggingface-gpt2", loaded.Layout);
        Assert.Equal(snapshotFolder, loaded.Source);
    }

    [Fact]
    public void Given_two_revisions_when_one_is_named_then_its_snapshot_is_loaded_and_the_other_is_not_cached()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        HubPull.Pull(HubReference.Parse($"{Repo}@v2", "test"), options);
        using (var loaded = ModelLoader.Load($"{Repo}@v2", new LoadOptions { Hub = options }))
        {
            Assert.Equal("huggingface-gpt-neox", loaded.Layout);
        }

        using (var byCommit = ModelLoader.Load($"{Repo}@{hub.Commit(Repo, "v2")}", new LoadOptions { Hub = options }))
        {
            Assert.Equal("huggingface-gpt-neox", byCommit.Layout);
        }

        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(Repo, new LoadOptions { Hub = options }));
        Assert.Contains("revision 'main' of test/tiny is not in the HuggingFace cache", e.Message);
        Assert.Contains("circuitfinder pull test/tiny", e.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Contains("/revision/main", StringComparison.Ordinal));

        using var downloaded = ModelLoader.Load(Repo, new LoadOptions { Hub = options, Download = true });
        Assert.Equal("huggingface-gpt2", downloaded.Layout);
    }

    [Fact]
    public void Given_a_connection_dropped_half_way_through_the_weights_when_pulling_then_the_download_resumes_with_a_range_request()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        hub.DropOnce.Add("model.safetensors");
        var transfers = new List<HubTransfer>();
        var snapshot = HubPull.Pull(HubReference.Parse(Repo, "test"), options, new SyncProgress<HubTransfer>(transfers.Add));
        var gets = hub.Requests.Where(r => r.StartsWith("GET /cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Contains(" bytes=", gets[1], StringComparison.Ordinal);
        var expected = File.ReadAllBytes(Path.Combine(FixturePaths.Model("gpt2-tiny"), "model.safetensors"));
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(snapshot.Folder, "model.safetensors")));
        Assert.Equal(transfers[^1].Total, transfers[^1].Done);
        Assert.True(transfers[^1].Total >= expected.Length);
    }

    [Fact]
    public void Given_a_wrong_sha256_when_pulling_then_it_is_refused_and_nothing_is_left_in_snapshots()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        hub.WrongSha256.Add("model.safetensors");
        var e = Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse(Repo, "test"), options));
        Assert.Contains("model.safetensors: checksum mismatch", e.Message);
        string repoFolder = Path.Combine(options.CacheFolder, "models--test--tiny");
        Assert.False(Directory.Exists(Path.Combine(repoFolder, "snapshots")) && Directory.EnumerateFileSystemEntries(Path.Combine(repoFolder, "snapshots"), "*", SearchOption.AllDirectories).Any());
        Assert.False(Directory.Exists(Path.Combine(repoFolder, "refs")));
        Assert.Empty(Directory.GetFiles(Path.Combine(repoFolder, "blobs"), "*.incomplete"));
        Assert.Throws<BadInputException>(() => ModelLoader.Load(Repo, new LoadOptions { Hub = options }));
    }

    [Fact]
    public void Given_an_unknown_repo_a_missing_revision_or_a_gated_repo_then_the_error_says_which()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        var missing = Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse("test/nothing", "test"), options));
        Assert.Contains("test/nothing@main: no such model or revision", missing.Message);
        var revision = Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse($"{Repo}@step9", "test"), options));
        Assert.Contains("test/tiny@step9: no such revision", revision.Message);
        hub.RequiredToken = "secret";
        var gated = Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse(Repo, "test"), options));
        Assert.Contains("gated or private", gated.Message);
        Assert.Contains("HF_TOKEN", gated.Message);
        var snapshot = HubPull.Pull(HubReference.Parse(Repo, "test"), options with { Token = "secret" });
        Assert.True(File.Exists(Path.Combine(snapshot.Folder, "config.json")));
    }

    [Fact]
    public void Given_offline_options_when_pulling_then_the_network_is_refused()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        var e = Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse(Repo, "test"), options with { Offline = true }));
        Assert.Contains("HF_HUB_OFFLINE", e.Message);
        var load = Assert.Throws<BadInputException>(() => ModelLoader.Load(Repo, new LoadOptions { Hub = options with { Offline = true }, Download = true }));
        Assert.Contains("HF_HUB_OFFLINE", load.Message);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public void Given_a_transformer_lens_repo_naming_a_tokenizer_repo_when_pulled_then_both_are_fetched_and_the_tokenizer_is_used()
    {
        using var folder = new TemporaryFolder();
        using var hub = Serve(folder, out var options);
        var files = Directory.EnumerateFiles(FixturePaths.Model("tl-attn-only-2l-tiny")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        files["config.json"] = System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(FixturePaths.Model("tl-attn-only-2l-tiny"), "config.json"))
            .Replace("\"tokenizer_name\": null", "\"tokenizer_name\": \"test/toy-tokenizer\"", StringComparison.Ordinal));
        hub.Add("test/tl-attn-only", "main", files);
        hub.Add("test/toy-tokenizer", "main", new Dictionary<string, byte[]>
        {
            ["vocab.json"] = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"t{i}\"")) + "]"),
            ["README.md"] = [1, 2, 3],
        });
        var snapshot = HubPull.Pull(HubReference.Parse("test/tl-attn-only", "test"), options);
        Assert.NotNull(snapshot.TokenizerFolder);
        Assert.True(File.Exists(Path.Combine(snapshot.TokenizerFolder, "vocab.json")));
        Assert.False(File.Exists(Path.Combine(snapshot.TokenizerFolder, "README.md")));
        Assert.True(File.Exists(Path.Combine(snapshot.Folder, "model_final.pth")));
        using var loaded = ModelLoader.Load("test/tl-attn-only", new LoadOptions { Hub = options with { Offline = true } });
        Assert.Equal("transformerlens", loaded.Layout);
        Assert.NotNull(loaded.Tokenizer);
        Assert.Equal(200, loaded.Tokenizer.VocabularySize);
    }

    private static HubOptions Options(TemporaryFolder folder) => new() { CacheFolder = folder.File("hub"), Endpoint = "http://127.0.0.1:9" };

    private static FakeHub Serve(TemporaryFolder folder, out HubOptions options)
    {
        var hub = new FakeHub();
        hub.AddFolder(Repo, "main", FixturePaths.Model("gpt2-tiny"));
        hub.AddFolder(Repo, "v2", FixturePaths.Model("pythia-tiny"));
        options = new HubOptions { CacheFolder = folder.File("hub"), Endpoint = hub.Endpoint };
        return hub;
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
