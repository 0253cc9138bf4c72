using System.Diagnostics;
using Xunit;

namespace CircuitFinder.Tests;

/// <summary>
/// Debian's <c>chromium</c> in headless mode, for tests of the HTML the tool writes: <see cref="DumpDom"/> (the DOM after
/// the page's scripts ran, with Chromium's console log, where uncaught script errors appear as <c>Uncaught ...</c>) and
/// <see cref="Screenshot"/>. Runs as root in CI, hence <c>--no-sandbox</c>. Tests call <see cref="Require"/> to be
/// skipped, saying why, where Chromium is not installed.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>The browser's path, or null where it is not installed.</summary>
    public static string? Path { get; } = new[] { "chromium", "chromium-browser" }.Select(Which).FirstOrDefault(p => p is not null);

    /// <summary>The browser's path; skips the calling test, saying why, where it is absent.</summary>
    public static string Require()
    {
        Skip.If(Path is null, "chromium is not installed (.ci/run installs Debian's chromium)");
        return Path!;
    }

    /// <summary>The DOM of <paramref name="page"/> (a file, with an optional <c>#fragment</c>) after its scripts ran, and the console log.</summary>
    public static (string Dom, string Log) DumpDom(string page, string fragment = "")
    {
        var (output, log) = Run(["--enable-logging=stderr", "--v=0", "--dump-dom", Url(page, fragment)]);
        return (output, log);
    }

    /// <summary>Writes a PNG of <paramref name="page"/> at <paramref name="width"/> × <paramref name="height"/> to <paramref name="png"/>.</summary>
    public static string Screenshot(string page, string png, string fragment = "", int width = 1400, int height = 1000)
    {
        var (_, log) = Run([$"--window-size={width},{height}", "--hide-scrollbars", $"--screenshot={png}", Url(page, fragment)]);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot: {log}");
        return log;
    }

    private static string Url(string page, string fragment) => new Uri(System.IO.Path.GetFullPath(page)).AbsoluteUri + fragment;

    private static (string Output, string Log) Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Require(), ["--headless", "--disable-gpu", "--no-sandbox", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish in 120 s");
        }

        return (output, error.Result);
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => System.IO.Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
