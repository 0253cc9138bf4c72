using CircuitFinder.Graph.Results;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// Part of <c>bench discovery</c> where the real stories260K model is present (<c>$CIRCUITFINDER_REAL_MODELS</c>, else
/// <c>../shared/realmodels</c> beside the repository): the hybrid against ACDC at the same τ, metric and ablation on the
/// name-copy task, with the task's metric and with KL, each run's wall time in plain forwards of the task's prompts, and
/// both circuits' faithfulness.
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

    /// <summary>
    /// The hybrid against ACDC with the task's metric (logit difference, the hybrid's default) and with KL divergence
    /// (ACDC's default); keys <c>stories_*</c> for the first, <c>stories_kl_*</c> for the second.
    /// </summary>
    public static JObject Run(string folder, IProgress<(string Step, double Fraction)> progress)
    {
        using var loaded = ModelLoader.Load(folder);
        TaskGeneratorCatalog.TryCreate("name-copy", out var generator);
        var dataset = generator!.Generate(Prompts, 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        progress.Report(("stories260K: plain forward", 0.0));
        double plainSeconds = PlainForwardSeconds(loaded, dataset);
        var figures = new JObject
        {
            ["stories_model"] = $"stories260K (Llama, 5 layers, 8 heads, 4 key/value heads); name-copy, {Prompts} prompts; q/k/v graph; resample; tau {Threshold}",
            ["stories_plain_forward_ms"] = Math.Round(plainSeconds * 1000, 2),
        };
        foreach (var (prefix, metric, fraction) in new[] { ("stories_", dataset.DefaultMetric, 0.0), ("stories_kl_", "kl", 0.5) })
        {
            progress.Report(($"stories260K: hybrid ({metric})", fraction));
            var hybrid = new DiscoveryRun(new DiscoverySettings { Method = "hybrid", Threshold = Threshold, Metric = metric }).Run(loaded, dataset);
            progress.Report(($"stories260K: acdc ({metric})", fraction + 0.2));
            var acdc = new DiscoveryRun(new DiscoverySettings { Method = "acdc", Threshold = Threshold, Metric = metric }).Run(loaded, dataset);
            double hybridForwards = hybrid.Timings["discover"] / plainSeconds, acdcForwards = acdc.Timings["discover"] / plainSeconds;
            figures[prefix + "metric"] = metric;
            figures[prefix + "edges"] = hybrid.Graph.Edges.Count;
            figures[prefix + "hybrid_rounds"] = new JArray(hybrid.Certificate!.Rounds.Select(r => new JObject { ["edges"] = r.Edges, ["damage"] = Math.Round(r.Damage, 6) }));
            figures[prefix + "hybrid_certified"] = hybrid.Certificate.Certified;
            figures[prefix + "hybrid_exact_tests"] = hybrid.ExactTests;
            figures[prefix + "hybrid_circuit_edges"] = hybrid.Circuit.Count;
            figures[prefix + "hybrid_faithfulness"] = Math.Round(hybrid.Faithfulness, 4);
            figures[prefix + "hybrid_in_forwards"] = Math.Round(hybridForwards, 1);
            figures[prefix + "acdc_exact_tests"] = acdc.ExactTests;
            figures[prefix + "acdc_circuit_edges"] = acdc.Circuit.Count;
            figures[prefix + "acdc_faithfulness"] = Math.Round(acdc.Faithfulness, 4);
            figures[prefix + "acdc_in_forwards"] = Math.Round(acdcForwards, 1);
            figures[prefix + "acdc_over_hybrid_cost"] = Math.Round(acdcForwards / hybridForwards, 2);
        }

        return figures;
    }

    private static double PlainForwardSeconds(LoadedModel loaded, TaskDataset dataset)
    {
        using var batch = TaskBatch.From(dataset);
        using var noGrad = no_grad();
        return Timing.MedianMs(() => loaded.Model.Forward(batch.Clean, batch.AttentionMask).Dispose(), warmup: 1, runs: 7) / 1000;
    }
}
