using System.Diagnostics;
using CircuitFinder.Cli;

namespace CircuitFinder.Tests.Cli;

/// <summary>Runs the <c>circuitfinder</c> command in-process and captures its exit code, stdout and stderr.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();
        int code = CircuitFinderCli.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }

    /// <summary>Runs with <paramref name="environment"/> as the command's whole environment (HF_HUB_CACHE, HF_ENDPOINT, ...).</summary>
    public static CliRun With(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();
        int code = CircuitFinderCli.Run(args, stdout, stderr, environment);
        return new CliRun(code, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }
}
