using System.Security.Cryptography;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using Xunit;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>A cache written by hand in the <c>huggingface_hub</c> layout (refs, snapshots linking into blobs) read as it is.</summary>
public sealed class HubCacheTests
{
    [Fact]
    public void Given_a_hand_written_cache_when_a_name_is_loaded_then_refs_pick_the_snapshot_and_links_into_blobs_are_followed()
    {
        using var folder = new TemporaryFolder();
        string cache = folder.File("hub");
        string main = WriteSnapshot(cache, "Test-Org/tiny", FixturePaths.Model("gpt2-tiny"), "main");
        string v2 = WriteSnapshot(cache, "Test-Org/tiny", FixturePaths.Model("pythia-tiny"), "v2");
        var options = new HubOptions { CacheFolder = cache, Endpoint = "http://127.0.0.1:9", Offline = true };

        using (var loaded = ModelLoader.Load("Test-Org/tiny", new LoadOptions { Hub = options }))
        {
            Assert.Equal("huggingface-gpt2", loaded.Layout);
            Assert.Equal(Path.Combine(cache, "models--Test-Org--tiny", "snapshots", main), loaded.Source);
        }

        using (var loaded = ModelLoader.Load("test-org/tiny@v2", new LoadOptions { Hub = options }))
        {
            Assert.Equal("huggingface-gpt-neox", loaded.Layout);
        }

        using (var loaded = ModelLoader.Load($"Test-Org/tiny@{v2}", new LoadOptions { Hub = options }))
        {
            Assert.Equal("huggingface-gpt-neox", loaded.Layout);
        }

        var missing = Assert.Throws<BadInputException>(() => ModelLoader.Load("Test-Org/tiny@step9", new LoadOptions { Hub = options }));
        Assert.Contains("revision 'step9' of Test-Org/tiny is not in the HuggingFace cache", missing.Message);
        Assert.Contains("HF_HUB_OFFLINE", missing.Message);
    }

    [Fact]
    public void Given_a_transformer_lens_name_when_its_repo_is_cached_then_the_name_loads_it()
    {
        using var folder = new TemporaryFolder();
        string cache = folder.File("hub");
        WriteSnapshot(cache, "NeelNanda/Attn_Only_2L512W_C4_Code", FixturePaths.Model("tl-attn-only-2l-tiny"), "main");
        var options = new HubOptions { CacheFolder = cache };
        using var loaded = ModelLoader.Load("attn-only-2l", new LoadOptions { Hub = options });
        Assert.Equal("transformerlens", loaded.Layout);
        Assert.EndsWith("model_final.pth", loaded.WeightsFile, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_unknown_name_then_the_error_suggests_the_nearest_known_name_and_a_path_stays_a_missing_folder()
    {
        using var folder = new TemporaryFolder();
        var options = new HubOptions { CacheFolder = folder.File("hub") };
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load("pythia-70n", new LoadOptions { Hub = options }));
        Assert.Contains("did you mean 'pythia-70m'", e.Message);
        var known = Assert.Throws<BadInputException>(() => ModelLoader.Load("gpt2-small", new LoadOptions { Hub = options }));
        Assert.Contains("gpt2 is not in the HuggingFace cache", known.Message);
        Assert.Contains("circuitfinder pull gpt2-small", known.Message);
        Assert.DoesNotContain("did you mean", known.Message);
        var path = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder.File("no/such/model"), new LoadOptions { Hub = options }));
        Assert.EndsWith("model folder not found", path.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_ref_that_is_not_a_commit_then_the_error_names_the_ref_file()
    {
        using var folder = new TemporaryFolder();
        string refs = Path.Combine(folder.File("hub"), "models--org--m", "refs");
        Directory.CreateDirectory(refs);
        File.WriteAllText(Path.Combine(refs, "main"), "../../etc");
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load("org/m", new LoadOptions { Hub = new HubOptions { CacheFolder = folder.File("hub") } }));
        Assert.Contains(Path.Combine(refs, "main"), e.Message);
        Assert.Contains("expected a commit hash", e.Message);
    }

    /// <summary>Writes <paramref name="source"/>'s config and weights as one snapshot, as huggingface_hub does; returns the commit.</summary>
    internal static string WriteSnapshot(string cache, string repoId, string source, string branch)
    {
        string repo = Path.Combine(cache, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));
        string commit = Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(repoId + branch)));
        string snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !Path.GetFileName(f).StartsWith("expected", StringComparison.Ordinal)))
        {
            byte[] bytes = File.ReadAllBytes(file);
            string etag = Convert.ToHexStringLower(SHA256.HashData(bytes));
            File.WriteAllBytes(Path.Combine(repo, "blobs", etag), bytes);
            File.CreateSymbolicLink(Path.Combine(snapshot, Path.GetFileName(file)), $"../../blobs/{etag}");
        }

        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", branch), commit);
        return commit;
    }
}
