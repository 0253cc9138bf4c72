using System.Globalization;
using CircuitFinder.Model.Hub;

namespace CircuitFinder.Cli;

/// <summary>Downloads from the hub under a <see cref="ConsoleProgress"/> bar on stderr: the file, bytes so far of the total, and the ETA.</summary>
public static class HubProgress
{
    public static T Run<T>(bool quiet, Func<IProgress<HubTransfer>, T> work) =>
        ConsoleProgress.Run("download", quiet, progress => work(new SynchronousProgress<HubTransfer>(t =>
            progress.Report((Spectre.Console.Markup.Escape($"{t.Repo} {t.File} {Bytes(t.Done)}/{Bytes(t.Total)}"), t.Total > 0 ? (double)t.Done / t.Total : 0)))));

    /// <summary>A byte count for people: <c>512 B</c>, <c>3.4 MB</c>, <c>1.20 GB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} B",
        < 1_000_000 => (bytes / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " GB",
    };
}
