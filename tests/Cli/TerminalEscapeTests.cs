using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>Control characters from ids, task strings and arguments are escaped in error messages (as <c>\u001b</c>), never sent to the terminal raw.</summary>
public sealed class TerminalEscapeTests
{
    [Fact]
    public void An_unknown_task_name_holding_escape_sequences_is_echoed_escaped()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("task", "make", "\u001b]0;pwned\u0007\u001b[2J", "--n", "4", "--out", folder.File("t.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stderr);
        Assert.DoesNotContain('\u0007', run.Stderr);
        Assert.Contains("unknown task '\\u001b]0;pwned\\u0007\\u001b[2J'", run.Stderr);
    }

    [Fact]
    public void A_circuit_id_holding_escape_sequences_is_echoed_escaped()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("ids.txt"), "a0.h0\u001b[31m->logits\n");
        var run = CliRun.Of("verify", "--model", "zoo:planted-induction", "--task", "induction", "--n", "4", "--circuit", folder.File("ids.txt"), "--quiet");
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stderr);
        Assert.Contains("\\u001b[31m", run.Stderr);
    }

    [Fact]
    public void A_task_files_name_holding_escape_sequences_is_shown_escaped()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("task.json"), """{"name": "x\u001b[31m", "prompts": [{"clean": [1, 2], "corrupt": [1, 3], "answers": [2], "wrong_answers": [3]}]}""");
        var run = CliRun.Of("task", "show", folder.File("task.json"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.Contains("x\\u001b[31m", run.Stdout);
    }
}
