using System.Diagnostics;
using System.Globalization;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Cli;

/// <summary>
/// <c>discover --batch B</c> holds one batch's patcher at a time (ranking methods), so its peak memory does not grow with
/// the number of prompts beyond the task's own token arrays: the real command, run as a child process, at 1,000 and
/// 8,000 prompts (EAP on the trained one-layer zoo model), its peak RSS read from /proc (VmHWM) while it runs.
/// </summary>
public sealed class DiscoverMemoryTests(ITestOutputHelper output)
{
    private const long Slack = 50L << 20;

    [Fact]
    [Trait("Category", "Slow")]
    public void Peak_memory_with_batch_64_differs_by_less_than_the_token_arrays_plus_50_MB_at_1000_and_8000_prompts()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return; // VmHWM is Linux's; elsewhere there is nothing to read
        }

        long small = Enumerable.Range(0, 3).Min(_ => PeakRssBytes(1000)); // the lowest of three runs: the managed heap's garbage varies from run to run
        long large = Enumerable.Range(0, 3).Min(_ => PeakRssBytes(8000));
        long tokens = TokenArrayBytes(8000);
        output.WriteLine($"peak RSS: {small >> 20} MiB at 1,000 prompts, {large >> 20} MiB at 8,000; token arrays {tokens >> 10} KiB");
        Assert.True(
            large - small < tokens + Slack,
            $"peak RSS {small >> 20} MiB at 1,000 prompts, {large >> 20} MiB at 8,000: +{(large - small) >> 20} MiB, more than the token arrays ({tokens >> 20} MiB) + 50 MiB");
    }

    /// <summary>
    /// The bytes of the 8,000-prompt task's token arrays in the forms the run holds them: the prompts' int32 id arrays
    /// (clean, corrupted, answers, wrong answers) and the batch tensors built from them (int64 ids, mask, answers, read positions).
    /// </summary>
    private static long TokenArrayBytes(int prompts)
    {
        using var loaded = ModelLoader.Load("zoo:attn-only-1l");
        Assert.True(TaskGeneratorCatalog.TryCreate("induction", out var generator));
        var dataset = generator!.Generate(prompts, 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        long ids = 4L * dataset.Prompts.Sum(p => (long)p.Clean.Count + p.Corrupt.Count + p.Answers.Count + p.WrongAnswers.Count);
        using var batch = TaskBatch.From(dataset);
        return ids + (8 * (batch.Clean.NumberOfElements + batch.Corrupt.NumberOfElements + (batch.AttentionMask?.NumberOfElements ?? 0)
            + batch.Answers.NumberOfElements + batch.WrongAnswers.NumberOfElements + batch.ReadPositions.NumberOfElements));
    }

    private static long PeakRssBytes(int prompts)
    {
        using var folder = new TemporaryFolder();
        string outDir = folder.File("out");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "circuitfinder.dll"), "discover", "--model", "zoo:attn-only-1l", "--task", "induction",
            "--method", "eap", "--edges", "10", "--n", prompts.ToString(CultureInfo.InvariantCulture), "--batch", "64", "--out", outDir, "--quiet",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), "discover ran for more than 5 minutes");
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr.Result}{stdout.Result}");
        Assert.Equal(prompts, (int)JObject.Parse(File.ReadAllText(Path.Combine(outDir, "circuit.json")))["task"]!["prompts"]!);
        Assert.True(peak > 0, "no VmHWM was read while the command ran");
        return peak;
    }

    /// <summary>VmHWM (peak resident set) of a running process in bytes; 0 once it has gone.</summary>
    private static long HighWaterMark(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 2 } ? long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024 : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
