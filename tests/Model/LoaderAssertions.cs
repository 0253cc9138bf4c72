using System.Diagnostics;
using CircuitFinder.Model.Loading;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Model;

/// <summary>What the loader tests share: a load that must be refused, and one field of a folder's config.json rewritten.</summary>
internal static class LoaderAssertions
{
    /// <summary>
    /// Loading <paramref name="folder"/> throws <see cref="BadInputException"/>, and does so without first doing work sized
    /// by the bad numbers (a generous bound, so a loaded CI machine does not fail it: an unbounded allocation takes minutes).
    /// </summary>
    public static BadInputException Rejected(string folder)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<BadInputException>(() => ModelLoader.Load(folder).Dispose());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        return e;
    }

    /// <summary>Sets <paramref name="field"/> of the JSON object file <paramref name="path"/> to <paramref name="jsonValue"/>.</summary>
    public static void SetConfig(string path, string field, string jsonValue)
    {
        var json = JObject.Parse(File.ReadAllText(path));
        json[field] = JToken.Parse(jsonValue);
        File.WriteAllText(path, json.ToString());
    }
}
