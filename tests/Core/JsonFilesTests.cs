using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Core;

public sealed class JsonFilesTests
{
    [Fact]
    public void Given_an_object_when_written_then_the_file_is_indented_with_LF_line_ends_and_a_final_newline()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("sub/out.json");
        JsonFiles.WriteIndented(path, new JObject { ["a"] = 0.5, ["b"] = new JArray(1, 2) });
        Assert.Equal("{\n  \"a\": 0.5,\n  \"b\": [\n    1,\n    2\n  ]\n}\n", File.ReadAllText(path));
        Assert.Equal(0.5, JsonFiles.ReadObject(path)["a"]!.Value<double>());
    }

    [Fact]
    public void Given_a_missing_or_malformed_file_when_read_then_the_error_names_the_file()
    {
        using var folder = new TemporaryFolder();
        string missing = folder.File("missing.json");
        Assert.Contains(missing, Assert.Throws<BadInputException>(() => JsonFiles.ReadObject(missing)).Message, StringComparison.Ordinal);
        string broken = folder.File("broken.json");
        File.WriteAllText(broken, "{\"a\": ");
        Assert.Contains(broken, Assert.Throws<BadInputException>(() => JsonFiles.ReadObject(broken)).Message, StringComparison.Ordinal);
    }
}
