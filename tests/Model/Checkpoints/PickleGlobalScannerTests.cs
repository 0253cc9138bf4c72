using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static CircuitFinder.Tests.Model.Checkpoints.CheckpointFixtures;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class PickleGlobalScannerTests
{
    [Fact]
    public void Every_fixture_pickle_passes_the_scan()
    {
        foreach (var file in WeightFiles().Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
        {
            using var archive = System.IO.Compression.ZipFile.OpenRead(file);
            using var stream = new MemoryStream();
            archive.Entries.Single(e => e.Name == "data.pkl").Open().CopyTo(stream);

            PickleGlobalScanner.Scan(stream.ToArray(), file);
        }
    }

    [Fact]
    public void Stack_global_names_pushed_as_strings_and_memoized_are_checked()
    {
        // protocol 4: 'posix' MEMOIZE 'system' MEMOIZE STACK_GLOBAL
        var pickle = Latin1("\u0080\u0004\u0095\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u008c\u0005posix\u0094\u008c\u0006system\u0094\u0093\u0094.");

        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(pickle, "x.pkl"));

        Assert.Contains("'posix.system'", e.Message);
    }

    [Fact]
    public void Stack_global_names_fetched_back_from_the_memo_are_checked()
    {
        // 'os' PUT 0, 'system' PUT 1, POP, POP, GET 0, GET 1, STACK_GLOBAL
        var pickle = Latin1("\u0080\u0004\u008c\u0002osq\u0000\u008c\u0006systemq\u000100h\u0000h\u0001\u0093.");

        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(pickle, "x.pkl"));

        Assert.Contains("'os.system'", e.Message);
    }

    [Fact]
    public void Stack_global_with_names_that_cannot_be_traced_is_refused()
    {
        // the name comes out of a tuple, so the scanner cannot know it
        var pickle = Latin1("\u0080\u0004\u008c\u0005torch\u008c\u000cFloatStorage\u0085\u0093.");

        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(pickle, "x.pkl"));

        Assert.Contains("cannot be determined", e.Message);
    }

    [Fact]
    public void Stack_global_naming_an_allowed_storage_passes()
    {
        PickleGlobalScanner.Scan(Latin1("\u0080\u0004\u008c\u0005torch\u0094\u008c\u000cFloatStorage\u0094\u0093\u0094."), "x.pkl");
    }

    [Fact]
    public void Inst_opcode_naming_a_forbidden_class_is_refused()
    {
        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(Latin1("(S'ls'\nios\nsystem\n."), "x.pkl"));

        Assert.Contains("'os.system'", e.Message);
    }

    [Fact]
    public void Pickle_without_stop_is_refused_as_truncated()
    {
        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(Latin1("\u0080\u0002}q\u0000X\u0010\u0000\u0000\u0000ab"), "x.pkl"));

        Assert.Contains("x.pkl", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Unknown_opcode_is_refused_naming_its_position()
    {
        var e = Assert.Throws<BadInputException>(() => PickleGlobalScanner.Scan(Latin1("\u0080\u0002\u00ff."), "x.pkl"));

        Assert.Contains("unknown opcode 0xff at byte 2", e.Message);
    }
}
