using System.Diagnostics;
using System.Text;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// Runs the <c>dotnet</c> command (the SDK that runs the tests) as a child process with a time limit, capturing its
/// output. Build servers and node reuse are off, so nothing is left running; MSBuild variables of the test run are
/// not passed on. A run that exceeds its limit is killed (its process tree) and reported with its output so far.
/// </summary>
public sealed record DotnetCommand(int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut)
{
    public static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static DotnetCommand Run(string workingDirectory, TimeSpan limit, params string[] args) =>
        RunExecutable(Executable, workingDirectory, limit, args);

    /// <summary>Runs another program (an installed tool's command) the same way, with DOTNET_ROOT set to this SDK's folder.</summary>
    public static DotnetCommand RunExecutable(string executable, string workingDirectory, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        if (Path.IsPathRooted(Executable))
        {
            start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(new FileInfo(Executable).ResolveLinkTarget(true)?.FullName ?? Executable));
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(limit);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit(); // drains the redirected output
        }

        lock (output)
        {
            return new DotnetCommand(exited ? process.ExitCode : -1, output.ToString(), clock.Elapsed, !exited);
        }
    }

    /// <summary>A sentence for an assertion message: the command, how it ended, and the last lines of its output.</summary>
    public string Describe(string what)
    {
        var lines = Output.Split('\n');
        var tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 60)));
        string ending = TimedOut ? $"timed out after {Elapsed.TotalSeconds:F0} s" : $"exit code {ExitCode} after {Elapsed.TotalSeconds:F0} s";
        return $"{what}: {ending}\n--- output (last 60 lines) ---\n{tail}";
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
