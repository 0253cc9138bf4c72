using System.Diagnostics;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// Part of <c>bench discovery</c> where the real stories260K model is present (<c>$CIRCUITFINDER_REAL_MODELS</c>, else
/// <c>../shared/realmodels</c> beside the repository): the hybrid at its default settings against ACDC at the same τ,
/// metric (the task's, logit difference) and ablation on the name-copy task, each run's wall time in plain forwards of
/// the task's prompts, and both circuits' faithfulness.
/// </summary>
public static class StoriesHybridBenchmark
{
    public const double Threshold = 0.02;

    public const int Prompts = 32;

    /// <summary>The stories260K folder, or null where this machine has none.</summary>
    public static string? Find()
    {
        var roots = new List<string>();
        if (Environment.GetEnvironmentVariable("CIRCUITFINDER_REAL_MODELS") is { Length: > 0 } env)
        {
            roots.Add(env);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CircuitFinder.sln")))
            {
                roots.Add(Path.Combine(dir.FullName, "..", "shared", "realmodels"));
                break;
            }
        }

        return roots.Select(r => Path.GetFullPath(Path.Combine(r, "stories260k-hf"))).FirstOrDefault(Directory.Exists);
    }

    public static JObject Run(string folder, IProgress<(string Step, double Fraction)> progress)
    {
        using var loaded = ModelLoader.Load(folder);
        TaskGeneratorCatalog.TryCreate("name-copy", out var generator);
        var dataset = generator!.Generate(Prompts, 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        progress.Report(("stories260K: plain forward", 0.0));
        double plainSeconds = PlainForwardSeconds(loaded, dataset);
        progress.Report(("stories260K: hybrid", 0.05));
        var hybrid = new DiscoveryRun(new DiscoverySettings { Method = "hybrid", Threshold = Threshold }).Run(loaded, dataset);
        progress.Report(("stories260K: acdc", 0.3));
        var acdc = new DiscoveryRun(new DiscoverySettings { Method = "acdc", Threshold = Threshold, Metric = hybrid.Task.Metric }).Run(loaded, dataset);
        double hybridForwards = hybrid.Timings["discover"] / plainSeconds, acdcForwards = acdc.Timings["discover"] / plainSeconds;
        return new JObject
        {
            ["stories_model"] = $"stories260K (Llama, 5 layers, 8 heads, 4 key/value heads); name-copy, {Prompts} prompts; q/k/v graph; resample; {hybrid.Task.Metric}; tau {Threshold}",
            ["stories_edges"] = hybrid.Graph.Edges.Count,
            ["stories_plain_forward_ms"] = Math.Round(plainSeconds * 1000, 2),
            ["stories_hybrid_rounds"] = new JArray(hybrid.Certificate!.Rounds.Select(r => new JObject { ["edges"] = r.Edges, ["damage"] = Math.Round(r.Damage, 6) })),
            ["stories_hybrid_certified"] = hybrid.Certificate.Certified,
            ["stories_hybrid_exact_tests"] = hybrid.ExactTests,
            ["stories_hybrid_circuit_edges"] = hybrid.Circuit.Count,
            ["stories_hybrid_faithfulness"] = Math.Round(hybrid.Faithfulness, 4),
            ["stories_hybrid_in_forwards"] = Math.Round(hybridForwards, 1),
            ["stories_acdc_exact_tests"] = acdc.ExactTests,
            ["stories_acdc_circuit_edges"] = acdc.Circuit.Count,
            ["stories_acdc_faithfulness"] = Math.Round(acdc.Faithfulness, 4),
            ["stories_acdc_in_forwards"] = Math.Round(acdcForwards, 1),
            ["stories_acdc_over_hybrid_cost"] = Math.Round(acdcForwards / hybridForwards, 2),
        };
    }

    private static double PlainForwardSeconds(LoadedModel loaded, TaskDataset dataset)
    {
        using var batch = TaskBatch.From(dataset);
        using var noGrad = no_grad();
        var times = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            long start = Stopwatch.GetTimestamp();
            loaded.Model.Forward(batch.Clean, batch.AttentionMask).Dispose();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return times.Order().ElementAt(3);
    }
}
