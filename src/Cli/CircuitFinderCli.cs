using System.CommandLine;
using CircuitFinder.Cli.Commands;

namespace CircuitFinder.Cli;

/// <summary>Builds the <c>circuitfinder</c> command tree and runs it; parse errors are exit code 2.</summary>
public static class CircuitFinderCli
{
    /// <summary>Runs with <paramref name="environment"/> as the whole environment (<see cref="CliEnvironment"/>), as tests do.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment)
    {
        using (CliEnvironment.Use(environment))
        {
            return Run(args, stdout, stderr);
        }
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("CircuitFinder: automated circuit discovery and verification for transformer language models");
        root.Add(GlobalOptions.Verbose);
        root.Add(GlobalOptions.Quiet);
        root.Add(InfoCommand.Create(stdout, stderr));
        root.Add(RunCommand.Create(stdout, stderr));
        root.Add(ZooCommand.Create(stdout, stderr));
        root.Add(DiscoverCommand.Create(stdout, stderr));
        root.Add(ExportCommand.Create(stdout, stderr));
        root.Add(VerifyCommand.Create(stdout, stderr));
        root.Add(ReportCommand.Create(stdout, stderr));
        root.Add(BenchCommand.Create(stdout, stderr));
        root.Add(TaskCommand.Create(stdout, stderr));
        root.Add(DetectCommand.Create(stdout, stderr));
        root.Add(WikiCommand.Create(stdout, stderr));
        root.Add(PullCommand.Create(stdout, stderr));
        root.Add(LensCommand.Create(stdout, stderr));
        root.Add(AttentionCommand.Create(stdout, stderr));
        root.Add(PatchCommand.Create(stdout, stderr));
        root.Add(DiffCommand.Create(stdout, stderr));
        root.Add(StudyCommand.Create(stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"error: {TerminalText.OneLine(error.Message)}");
            }

            stderr.WriteLine("(run with --help for usage)");
            return ExitCodes.BadInput;
        }

        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}
