using Spectre.Console;

namespace CircuitFinder.Cli;

/// <summary>
/// Draws a progress bar with ETA on stderr (the only place that draws progress). Work reports
/// (step, fraction done) through <see cref="IProgress{T}"/>; <c>--quiet</c> draws nothing. Reports are handled and the
/// bar is redrawn on the working thread (at most every 100 ms), never from a timer thread: see
/// <see cref="SynchronousProgress{T}"/> for why no other thread may allocate while the work calls libtorch.
/// </summary>
public static class ConsoleProgress
{
    public static T Run<T>(string title, bool quiet, Func<IProgress<(string Step, double Fraction)>, T> work)
    {
        if (quiet)
        {
            return work(new SynchronousProgress<(string, double)>(_ => { }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .AutoRefresh(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var reporter = new SynchronousProgress<(string Step, double Fraction)>(report =>
                {
                    task.Description = $"{title}: {report.Step}";
                    task.Value = report.Fraction;
                    if (clock.ElapsedMilliseconds >= 100)
                    {
                        ctx.Refresh();
                        clock.Restart();
                    }
                });
                ctx.Refresh();
                var result = work(reporter);
                task.Value = 1.0;
                ctx.Refresh();
                return result;
            });
    }

    /// <summary>
    /// Like <see cref="Run{T}"/> for work in phases: each phase the work reports (phase, step, fraction done) for gets
    /// its own bar, which is completed when the next phase starts.
    /// </summary>
    public static T RunPhases<T>(bool quiet, Func<IProgress<(string Phase, string Step, double Fraction)>, T> work)
    {
        if (quiet)
        {
            return work(new SynchronousProgress<(string, string, double)>(_ => { }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .AutoRefresh(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                string? current = null;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var reporter = new SynchronousProgress<(string Phase, string Step, double Fraction)>(report =>
                {
                    bool started = report.Phase != current;
                    if (started)
                    {
                        task?.Value = 1.0;
                        task = ctx.AddTask(report.Phase, maxValue: 1.0);
                        current = report.Phase;
                    }

                    task!.Description = $"{report.Phase}: {report.Step}";
                    task.Value = report.Fraction;
                    if (started || clock.ElapsedMilliseconds >= 100)
                    {
                        ctx.Refresh();
                        clock.Restart();
                    }
                });
                var result = work(reporter);
                task?.Value = 1.0;
                ctx.Refresh();
                return result;
            });
    }
}
