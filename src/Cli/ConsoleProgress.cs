using Spectre.Console;

namespace CircuitFinder.Cli;

/// <summary>
/// Draws a progress bar with ETA on stderr (the only place that draws progress). Work reports
/// (step, fraction done) through <see cref="IProgress{T}"/>; <c>--quiet</c> draws nothing.
/// </summary>
public static class ConsoleProgress
{
    public static T Run<T>(string title, bool quiet, Func<IProgress<(string Step, double Fraction)>, T> work)
    {
        if (quiet)
        {
            return work(new Progress<(string, double)>(_ => { }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                var reporter = new SynchronousProgress(report =>
                {
                    task.Description = $"{title}: {report.Step}";
                    task.Value = report.Fraction;
                });
                var result = work(reporter);
                task.Value = 1.0;
                return result;
            });
    }

    private sealed class SynchronousProgress : IProgress<(string Step, double Fraction)>
    {
        private readonly Action<(string Step, double Fraction)> _report;

        public SynchronousProgress(Action<(string Step, double Fraction)> report) => _report = report;

        public void Report((string Step, double Fraction) value) => _report(value);
    }
}
