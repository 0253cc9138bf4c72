using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// No command deletes a user's files: every command that writes a folder refuses a non-empty <c>--out</c> that is not its
/// own earlier output, and an <c>--out</c> equal to, inside or around an input; its own earlier output is replaced whole.
/// Every <c>--out</c> is checked before any work: a folder where a file is expected (and the reverse), a place that cannot be
/// written, <c>verify --merge</c> included. Exit 2, one line naming the option, nothing left behind.
/// </summary>
public sealed class OutputSafetyTests
{
    private static readonly string[] Wiki = ["wiki", "--models", "zoo:planted-induction", "--detectors", "previous-token", "--quiet"];

    [Fact]
    public void Wiki_into_a_folder_holding_an_unrelated_file_exits_2_and_the_file_is_still_there()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("thesis.tex"), "years of work");
        var run = CliRun.Of([.. Wiki, "--out", folder.Path]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out {folder.Path}: not empty (holds thesis.tex)", run.Stderr);
        Assert.Equal(["thesis.tex"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName));
        Assert.Equal("years of work", File.ReadAllText(folder.File("thesis.tex")));
    }

    [Fact]
    public void Wiki_into_its_own_earlier_output_replaces_it_whole()
    {
        using var folder = new TemporaryFolder();
        string site = folder.File("site");
        Assert.Equal(0, CliRun.Of("wiki", "--models", "zoo:planted-induction", "zoo:attn-only-1l", "--detectors", "previous-token", "--quiet", "--out", site).ExitCode);
        Assert.True(File.Exists(Path.Combine(site, "models", "zoo-attn-only-1l.md")));
        var again = CliRun.Of([.. Wiki, "--out", site]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.False(File.Exists(Path.Combine(site, "models", "zoo-attn-only-1l.md")), "a page of the earlier output survived");
        Assert.True(File.Exists(Path.Combine(site, "models", "zoo-planted-induction.md")));
        Assert.Equal(["site"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Wiki_with_out_equal_to_or_inside_its_family_exits_2_and_the_checkpoints_stay()
    {
        using var folder = new TemporaryFolder();
        string family = folder.File("fam");
        foreach (var step in new[] { "step_1", "step_2" })
        {
            Directory.CreateDirectory(Path.Combine(family, step));
            foreach (var file in Directory.EnumerateFiles(FixturePaths.Model("tl-attn-only-2l-tiny")))
            {
                File.Copy(file, Path.Combine(family, step, Path.GetFileName(file)));
            }
        }

        var before = Directory.EnumerateFiles(family, "*", SearchOption.AllDirectories).Order().ToList();
        foreach (var target in new[] { family, Path.Combine(family, "site"), Path.Combine(family, "step_1") })
        {
            var run = CliRun.Of("wiki", "--family", family, "--detectors", "previous-token", "--quiet", "--out", target);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"--out {target}: ", run.Stderr);
            Assert.Contains("the input", run.Stderr);
        }

        Assert.Equal(before, Directory.EnumerateFiles(family, "*", SearchOption.AllDirectories).Order().ToList());
        var merge = CliRun.Of("wiki", "merge", folder.File("fam"), "--out", Path.Combine(family, "merged"), "--quiet");
        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("lies inside the input", merge.Stderr);
    }

    [Fact]
    public void Wiki_merge_of_a_crafted_shard_writes_only_inside_out_with_slugged_names_and_escaped_labels()
    {
        using var folder = new TemporaryFolder();
        string shard = folder.File("shard");
        Assert.Equal(0, CliRun.Of([.. Wiki, "--shard", "1/1", "--out", shard]).ExitCode);
        string file = Path.Combine(shard, "shard.json");
        string text = File.ReadAllText(file)
            .Replace("zoo:planted-induction", "../../../evil-model](javascript:alert(1))", StringComparison.Ordinal)
            .Replace("previous-token", "../../../evil-label", StringComparison.Ordinal);
        File.WriteAllText(file, text);
        string site = Path.Combine(folder.File("deep"), "site");
        var merge = CliRun.Of("wiki", "merge", shard, "--out", site, "--quiet");
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        var outside = Directory.EnumerateFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(site, StringComparison.Ordinal) && !p.StartsWith(shard, StringComparison.Ordinal) && p != folder.File("deep"));
        Assert.Empty(outside);
        var files = Directory.EnumerateFiles(site, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(site, f).Replace('\\', '/')).ToList();
        Assert.Contains("categories/evil-label.md", files);
        Assert.Contains("models/evil-model--javascript-alert-1.md", files);
        Assert.Contains(files, f => f.StartsWith("img/evil-model--javascript-alert-1-evil-label", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Matches("^[a-z0-9_./-]+$", f));
        string index = File.ReadAllText(Path.Combine(site, "index.md"));
        Assert.Contains("(models/evil-model--javascript-alert-1.md)", index);
        Assert.Contains("evil-model\\](javascript:alert(1))", index); // the label's bracket is escaped: it cannot close the link text
        Assert.DoesNotMatch(@"(?<!\\)\]\(javascript:", index);
    }

    [Fact]
    public void Discover_into_a_foreign_folder_or_a_file_exits_2_before_loading_anything()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("keep.txt"), "x");
        string[] discover = ["discover", "--model", "zoo:planted-induction", "--task", "induction", "--n", "4", "--method", "eap", "--edges", "5", "--quiet"];
        var foreign = CliRun.Of([.. discover, "--out", folder.Path]);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("not empty (holds keep.txt)", foreign.Stderr);
        var file = CliRun.Of([.. discover, "--out", folder.File("keep.txt")]);
        Assert.Equal(2, file.ExitCode);
        Assert.Contains($"--out {folder.File("keep.txt")}: is a file, expected a folder", file.Stderr);
        var unwritable = CliRun.Of([.. discover, "--out", "/proc/circuitfinder-test"]);
        Assert.Equal(2, unwritable.ExitCode);
        Assert.Contains("--out /proc/circuitfinder-test: cannot write there", unwritable.Stderr);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName));

        // discover into its own earlier output replaces it; verify into discover's folder is refused
        var fresh = CliRun.Of([.. discover, "--out", folder.File("run")]);
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        var again = CliRun.Of([.. discover, "--out", folder.File("run")]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        var inside = CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "4", "--circuit", folder.File("run/circuit.json"),
            "--no-completeness", "--quiet", "--out", folder.File("run"));
        Assert.Equal(2, inside.ExitCode);
        Assert.Contains($"--out {folder.File("run")}: holds the input {folder.File("run/circuit.json")}", inside.Stderr);
        File.Copy(folder.File("run/circuit.json"), folder.File("circuit.json"));
        var verify = CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "4", "--circuit", folder.File("circuit.json"),
            "--no-completeness", "--quiet", "--out", folder.File("run"));
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("holds the output of circuitfinder discover, not of verify", verify.Stderr);
    }

    [Theory]
    [InlineData("detect --model zoo:planted-induction --detectors previous-token --out DIR")]
    [InlineData("task make induction --n 4 --out DIR")]
    [InlineData("export CIRCUIT --out DIR")]
    [InlineData("zoo truth planted-ioi --out DIR")]
    public void A_folder_where_a_file_is_expected_exits_2_naming_out(string command)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("circuit.json"), "{}");
        var args = command.Split(' ').Select(a => a == "DIR" ? folder.Path : a == "CIRCUIT" ? folder.File("circuit.json") : a).Append("--quiet").ToArray();
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out {folder.Path}: is a folder, expected a file", run.Stderr);
    }

    [Fact]
    public void Export_onto_its_own_input_and_files_in_unwritable_places_exit_2_before_any_work()
    {
        using var folder = new TemporaryFolder();
        string circuit = folder.File("circuit.json");
        File.WriteAllText(circuit, "{}");
        var export = CliRun.Of("export", circuit, "--out", circuit);
        Assert.Equal(2, export.ExitCode);
        Assert.Contains("is the input", export.Stderr);
        Assert.Equal("{}", File.ReadAllText(circuit));
        var task = CliRun.Of("task", "make", "induction", "--n", "4", "--out", "/proc/circuitfinder-test/task.json");
        Assert.Equal(2, task.ExitCode);
        Assert.Contains("--out /proc/circuitfinder-test/task.json: cannot write there", task.Stderr);
        var merge = CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction", "--circuit", "/proc/version", "--merge", "--quiet");
        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("--merge /proc/version: cannot write there", merge.Stderr);
        var verify = CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction", "--circuit", circuit, "--out", circuit, "--quiet");
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains($"--out {circuit}: is a file, expected a folder", verify.Stderr);
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_read_only_out_folder_exits_2_before_any_work()
    {
        Skip.If(Environment.UserName == "root", "permissions do not bind root (the /proc cases above cover unwritable places)");
        using var folder = new TemporaryFolder();
        string locked = folder.File("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var run = CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "1", "--out", Path.Combine(locked, "model"), "--quiet");
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("cannot write there", run.Stderr);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Zoo_train_into_a_foreign_folder_exits_2_and_into_its_own_output_replaces_it()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("keep.txt"), "x");
        var foreign = CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "2", "--no-checkpoints", "--out", folder.Path, "--quiet");
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("not empty (holds keep.txt)", foreign.Stderr);
        string model = folder.File("model");
        Assert.Equal(0, CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "2", "--out", model, "--quiet").ExitCode);
        Assert.True(Directory.Exists(Path.Combine(model, "checkpoints")));
        var again = CliRun.Of("zoo", "train", "attn-only-1l", "--steps", "2", "--no-checkpoints", "--out", model, "--quiet");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.False(Directory.Exists(Path.Combine(model, "checkpoints")));
        Assert.True(File.Exists(Path.Combine(model, "training.json")));
        Assert.Equal(["keep.txt", "model"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName).Order());
        Assert.Equal("attn-only-1l", (string?)JObject.Parse(File.ReadAllText(Path.Combine(model, "training.json")))["recipe"]);
    }
}
