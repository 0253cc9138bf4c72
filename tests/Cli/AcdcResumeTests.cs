using System.Diagnostics;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// An ACDC run killed with SIGKILL in the middle, then resumed, gives the same circuit as an uninterrupted run (what a
/// resume refuses: <see cref="ResumeSafetyTests"/>).
/// </summary>
public sealed class AcdcResumeTests
{
    private static readonly string[] Arguments =
    [
        "discover", "--model", FixturePaths.Model("tl-solu-1l-tiny"), "--task", "induction", "--n", "64", "--method", "acdc",
        "--threshold", "0.001", "--level", "neuron", "--checkpoint-every", "20", "--quiet",
    ];

    [Fact]
    [Trait("Category", "Slow")]
    public void A_killed_ACDC_run_resumed_gives_the_circuit_of_an_uninterrupted_run()
    {
        using var whole = new TemporaryFolder();
        using var interrupted = new TemporaryFolder();
        // every run is its own process, as a user's would be (thread settings and allocator state alike)
        using (var uninterrupted = Process.Start(Cli([.. Arguments, "--out", whole.Path]))!)
        {
            uninterrupted.WaitForExit();
            Assert.Equal(0, uninterrupted.ExitCode);
        }

        Assert.False(File.Exists(whole.File("acdc-checkpoint.json")), "a finished run leaves no checkpoint");
        string checkpoint = interrupted.File("acdc-checkpoint.json");
        using (var process = Process.Start(Cli([.. Arguments, "--out", interrupted.Path]))!)
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(1);
            }

            Assert.True(File.Exists(checkpoint), $"no checkpoint appeared (exited: {process.HasExited})");
            bool exitedBeforeKill = process.HasExited;
            process.Kill(); // SIGKILL, at once
            process.WaitForExit();
            Assert.False(exitedBeforeKill, $"the run ended before it could be killed ({clock.Elapsed})");
        }

        Assert.False(File.Exists(interrupted.File("circuit.json")), $"the run was killed before it finished; files: {string.Join(", ", Directory.EnumerateFiles(interrupted.Path).Select(Path.GetFileName))}; checkpoint: {(File.Exists(checkpoint) ? File.ReadAllText(checkpoint)[..200] : "none")}");
        using (var resumed = Process.Start(Cli([.. Arguments, "--out", interrupted.Path, "--resume"]))!)
        {
            resumed.WaitForExit();
            Assert.Equal(0, resumed.ExitCode);
        }

        Assert.True(JToken.DeepEquals(Report(whole.Path), Report(interrupted.Path)), "resumed circuit.json differs from the uninterrupted one");
        Assert.False(File.Exists(checkpoint));
    }

    private static ProcessStartInfo Cli(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "circuitfinder.dll"));
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    private static JObject Report(string folder)
    {
        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "circuit.json")));
        json.Remove("timings_seconds");
        return json;
    }
}
