using CircuitFinder.Core;
using Xunit;

namespace CircuitFinder.Tests.Core;

/// <summary>
/// <see cref="OutputFolder"/>: a folder is written only when it is new, empty or the same command's own earlier output; it
/// is never an input or around one; the new output replaces the old atomically, and nothing the command did not write
/// is removed; a claim given up leaves nothing behind.
/// </summary>
public sealed class OutputFolderTests
{
    [Fact]
    public void Given_a_folder_holding_an_unrelated_file_when_claimed_then_bad_input_names_the_file_and_it_stays()
    {
        using var temp = new TemporaryFolder();
        File.WriteAllText(temp.File("notes.txt"), "mine");
        var e = Assert.Throws<BadInputException>(() => OutputFolder.Claim(temp.Path, "wiki"));
        Assert.Contains($"--out {temp.Path}: not empty (holds notes.txt)", e.Message);
        Assert.Equal("mine", File.ReadAllText(temp.File("notes.txt")));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Given_its_own_earlier_output_when_committed_again_then_the_old_files_are_replaced_and_nothing_is_left_aside()
    {
        using var temp = new TemporaryFolder();
        string target = temp.File("site");
        Write(target, "wiki", ("a.txt", "1"), ("sub/b.txt", "2"));
        Write(target, "wiki", ("c.txt", "3"));
        Assert.Equal(["c.txt"], Files(target));
        Assert.Equal("3", File.ReadAllText(Path.Combine(target, "c.txt")));
        Assert.Equal(["site"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Given_an_empty_folder_when_committed_then_it_holds_the_output_and_nothing_is_left_aside()
    {
        using var temp = new TemporaryFolder();
        string target = temp.File("empty");
        Directory.CreateDirectory(Path.Combine(target, "sub"));
        Write(target, "discover", ("circuit.json", "{}"));
        Assert.Equal(["circuit.json"], Files(target));
        Assert.Equal(["empty"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Given_its_own_output_with_a_file_added_by_the_user_when_claimed_then_bad_input_names_that_file()
    {
        using var temp = new TemporaryFolder();
        string target = temp.File("site");
        Write(target, "wiki", ("a.txt", "1"));
        File.WriteAllText(Path.Combine(target, "mine.txt"), "keep");
        var e = Assert.Throws<BadInputException>(() => OutputFolder.Claim(target, "wiki"));
        Assert.Contains("holds mine.txt, which circuitfinder wiki did not write", e.Message);
        Assert.True(File.Exists(Path.Combine(target, "mine.txt")));
    }

    [Fact]
    public void Given_another_commands_output_when_claimed_then_bad_input_names_both_commands()
    {
        using var temp = new TemporaryFolder();
        Write(temp.Path, "discover", ("circuit.json", "{}"));
        var e = Assert.Throws<BadInputException>(() => OutputFolder.Claim(temp.Path, "verify"));
        Assert.Contains("holds the output of circuitfinder discover, not of verify", e.Message);
    }

    [Fact]
    public void Given_an_output_equal_to_inside_or_around_an_input_when_claimed_then_bad_input_names_the_input()
    {
        using var temp = new TemporaryFolder();
        string input = temp.File("family");
        Directory.CreateDirectory(Path.Combine(input, "step_1"));
        Assert.Contains("is the input", Assert.Throws<BadInputException>(() => OutputFolder.Claim(input, "wiki", [input])).Message);
        Assert.Contains("lies inside the input", Assert.Throws<BadInputException>(() => OutputFolder.Claim(Path.Combine(input, "site"), "wiki", [input])).Message);
        Assert.Contains("holds the input", Assert.Throws<BadInputException>(() => OutputFolder.Claim(temp.Path, "wiki", [Path.Combine(input, "step_1")])).Message);
        OutputFolder.Check(temp.File("induction"), "discover", ["induction", "zoo:planted-induction"]); // names, not paths

        string link = temp.File("link");
        Directory.CreateSymbolicLink(link, input);
        Assert.Contains("is the input", Assert.Throws<BadInputException>(() => OutputFolder.Claim(link, "wiki", [input])).Message);
    }

    [Fact]
    public void Given_a_file_a_fifo_or_an_unwritable_place_when_claimed_then_bad_input_before_any_work()
    {
        using var temp = new TemporaryFolder();
        File.WriteAllText(temp.File("file"), "x");
        Assert.Contains("is a file, expected a folder", Assert.Throws<BadInputException>(() => OutputFolder.Claim(temp.File("file"), "discover")).Message);
        Assert.Contains("cannot write there", Assert.Throws<BadInputException>(() => OutputFolder.Claim("/proc/circuitfinder-test/out", "discover")).Message);
    }

    [Fact]
    public void Given_a_claim_that_is_given_up_then_neither_the_staging_folder_nor_created_parents_remain()
    {
        using var temp = new TemporaryFolder();
        using (var output = OutputFolder.Claim(temp.File("a/b/out"), "discover"))
        {
            File.WriteAllText(output.File("circuit.json"), "{}");
            output.MarkInPlace("acdc-checkpoint.json");
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Given_a_checkpoint_marked_in_place_and_a_leftover_of_its_atomic_write_then_the_folder_is_still_its_own()
    {
        using var temp = new TemporaryFolder();
        string target = temp.File("out");
        using (var output = OutputFolder.Claim(target, "discover"))
        {
            output.MarkInPlace("acdc-checkpoint.json");
            File.WriteAllText(Path.Combine(target, "acdc-checkpoint.json"), "{}");
            File.WriteAllText(Path.Combine(target, $".acdc-checkpoint.json.{Guid.NewGuid():N}.tmp"), "{");
        }

        using (var again = OutputFolder.Claim(target, "discover"))
        {
            File.WriteAllText(again.File("circuit.json"), "{}");
            again.Commit();
        }

        Assert.Equal(["circuit.json"], Files(target));
    }

    private static void Write(string folder, string kind, params (string Path, string Text)[] files)
    {
        using var output = OutputFolder.Claim(folder, kind);
        foreach (var (path, text) in files)
        {
            string file = output.File(path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        output.Commit();
        Assert.True(File.Exists(Path.Combine(folder, OutputFolder.MarkerName)));
    }

    private static List<string> Files(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f)).Where(f => f != OutputFolder.MarkerName).Order(StringComparer.Ordinal).ToList();
}
