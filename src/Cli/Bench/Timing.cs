using System.Diagnostics;

namespace CircuitFinder.Cli.Bench;

/// <summary>Median wall-clock timing and process memory readings for benchmarks.</summary>
public static class Timing
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then returns the median of <paramref name="runs"/> timed runs in ms.</summary>
    public static double MedianMs(Action action, int warmup, int runs, Action? afterEach = null)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            afterEach?.Invoke();
        }

        return Median(times);
    }

    /// <summary>
    /// Medians (ms) of two actions timed alternately — a, b, a, b, ... — so that drift in the machine's speed (other
    /// tenants, frequency) falls on both alike.
    /// </summary>
    public static (double A, double B) InterleavedMediansMs(Action a, Action b, int warmup, int runs)
    {
        for (int i = 0; i < warmup; i++)
        {
            a();
            b();
        }

        var timesA = new double[runs];
        var timesB = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a();
            timesA[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            b();
            timesB[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return (Median(timesA), Median(timesB));
    }

    private static double Median(double[] times)
    {
        Array.Sort(times);
        int n = times.Length;
        return n % 2 == 1 ? times[n / 2] : (times[(n / 2) - 1] + times[n / 2]) / 2;
    }

    /// <summary>Peak resident set size of this process in MiB (Linux VmHWM), or null where unavailable.</summary>
    public static double? PeakRssMiB() => StatusMiB("VmHWM:");

    /// <summary>Resident set size of this process now in MiB (Linux VmRSS), or null where unavailable.</summary>
    public static double? CurrentRssMiB() => StatusMiB("VmRSS:");

    private static double? StatusMiB(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var kb = long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }
}
