using System.CommandLine;

namespace CircuitFinder.Cli;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "Print stack traces on errors", Recursive = true };

    public static Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress output on stderr", Recursive = true };
}
