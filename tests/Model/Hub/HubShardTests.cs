using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>Which files a pull fetches: safetensors before pickles, every shard of a sharded index, nothing else.</summary>
public sealed class HubShardTests
{
    [Fact]
    public void Given_a_sharded_safetensors_index_beside_a_pickle_when_pulled_then_the_index_and_every_shard_are_fetched_and_load()
    {
        using var folder = new TemporaryFolder();
        string source = FixturePaths.Model("pythia-tiny");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["config.json"] = File.ReadAllBytes(Path.Combine(source, "config.json")),
            ["pytorch_model.bin"] = File.ReadAllBytes(Path.Combine(FixturePaths.Model("gpt2-tiny-bin"), "pytorch_model.bin")),
            ["README.md"] = "a model"u8.ToArray(),
            ["checkpoints/step_1.safetensors"] = [0],
        };
        using (var weights = CheckpointReader.Read(Path.Combine(source, "model.safetensors")))
        {
            var keys = weights.Keys.Order(StringComparer.Ordinal).ToList();
            var map = new JObject();
            for (int part = 0; part < 2; part++)
            {
                string name = $"model-0000{part + 1}-of-00002.safetensors";
                var mine = keys.Where((_, i) => i % 2 == part).ToList();
                string path = folder.File(name);
                SafetensorsWriter.Write(path, mine.ToDictionary(k => k, k => weights[k]));
                files[name] = File.ReadAllBytes(path);
                mine.ForEach(k => map[k] = name);
            }

            files["model.safetensors.index.json"] = System.Text.Encoding.UTF8.GetBytes(new JObject { ["metadata"] = new JObject(), ["weight_map"] = map }.ToString());
        }

        using var hub = new FakeHub();
        hub.Add("test/sharded", "main", files);
        var options = new HubOptions { CacheFolder = folder.File("hub"), Endpoint = hub.Endpoint };
        var snapshot = HubPull.Pull(HubReference.Parse("test/sharded", "test"), options);
        Assert.Equal(
            ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"],
            Directory.GetFileSystemEntries(snapshot.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(hub.Requests, r => r.Contains("pytorch_model.bin", StringComparison.Ordinal) || r.Contains("checkpoints", StringComparison.Ordinal));
        using var loaded = ModelLoader.Load("test/sharded", new LoadOptions { Hub = options with { Offline = true } });
        Assert.Equal("huggingface-gpt-neox", loaded.Layout);
        Assert.EndsWith("model.safetensors.index.json", loaded.WeightsFile, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_repo_without_config_or_weights_then_the_pull_says_what_is_missing()
    {
        using var folder = new TemporaryFolder();
        using var hub = new FakeHub();
        hub.Add("test/data", "main", new Dictionary<string, byte[]> { ["data.csv"] = [1] });
        hub.Add("test/empty", "main", new Dictionary<string, byte[]> { ["config.json"] = "{}"u8.ToArray() });
        var options = new HubOptions { CacheFolder = folder.File("hub"), Endpoint = hub.Endpoint };
        Assert.Contains("no config.json", Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse("test/data", "t"), options)).Message);
        Assert.Contains("no weights file", Assert.Throws<BadInputException>(() => HubPull.Pull(HubReference.Parse("test/empty", "t"), options)).Message);
        Assert.False(Directory.Exists(Path.Combine(options.CacheFolder, "models--test--empty", "snapshots")));
    }
}
