using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// Part of <c>bench discovery</c>: one complete ACDC run in its real order — the edge patcher's clean and corrupted
/// records, then <see cref="Acdc"/> over every edge of the q/k/v graph, each test with all edges removed so far
/// ablated — on a small GPT-2-shaped random model (<see cref="SmallGpt2Shape"/>), 16 prompts × 16 random tokens,
/// resample ablation, KL metric. Reports the run's wall time in plain forwards per exact edge test, the plain forward
/// timed right before and after the run (this machine's load varies).
/// </summary>
public static class AcdcRunBenchmark
{
    /// <summary>
    /// KL threshold τ: on this model and task it keeps a circuit of about a hundred of the 479 edges (109 in a
    /// Debug run; neither all nor none); checked on circuit size, not tuned on time.
    /// </summary>
    public const double Threshold = 1e-4;

    /// <summary>
    /// GPT-2's shape at a third of its width and depth: 4 layers, d_model 256, 4 heads of 64, d_mlp
    /// 1024 (d_head 64 as in GPT-2; 4 heads rather than 8 keep the run to a third of the edges). The vocabulary is cut to 8,192 so the unembedding takes about the share of a plain forward that it takes
    /// in GPT-2 small (~25% against ~30%); with 50,257 it would be two thirds of it.
    /// </summary>
    public static HookedTransformerConfig SmallGpt2Shape { get; } = ForwardBenchmark.Gpt2SmallShape with
    {
        NLayers = 4,
        DModel = 256,
        NHeads = 4,
        DHead = 64,
        DMlp = 1024,
        DVocab = 8192,
        ModelName = "gpt2-shaped-4l-256d-random",
    };

    private static List<Edge> Outside(ComputeGraph graph, Circuit circuit) => graph.Edges.Where(e => !circuit.Contains(e)).ToList();

    public static JObject Run(int runs, double threshold, IProgress<(string Step, double Fraction)> progress)
    {
        using var model = RandomWeights.CreateModel(SmallGpt2Shape, seed: 0);
        var c = model.Config;
        var graph = ComputeGraph.Build(new GraphShape(c.NLayers, c.NHeads, c.DMlp, c.AttnOnly, c.ParallelAttnMlp), GraphLevel.Qkv);
        using var scope = NewDisposeScope();
        var clean = randint(0, c.DVocab, [16, 16], generator: new Generator(1)); // [16, 16]
        var corrupted = randint(0, c.DVocab, [16, 16], generator: new Generator(2)); // [16, 16]
        var answers = randint(0, c.DVocab, [16, 1], generator: new Generator(3)); // [16, 1]; KL reads neither
        var wrong = randint(0, c.DVocab, [16, 1], generator: new Generator(4)); // [16, 1]
        double Plain()
        {
            using var noGrad = no_grad();
            return Timing.MedianMs(() => model.Forward(clean).Dispose(), warmup: 2, runs);
        }

        progress.Report(("plain forward", 0.0));
        double before = Plain();
        long start = Stopwatch.GetTimestamp();
        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: full([16L], 15L, ScalarType.Int64)), new ResampleAblation(), corrupted);
        double setupMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var context = new DiscoveryContext(model, patcher, new KlDivergenceMetric(), answers, wrong, new DiscoveryOptions { Threshold = threshold });
        var acdcProgress = new ActionProgress<DiscoveryProgress>(p => progress.Report(("ACDC run", 0.05 + (0.9 * p.Done / Math.Max(1, p.Total)))));
        var result = new Acdc().Discover(context, acdcProgress);
        double totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        // the adaptive hybrid on the same model, task, metric and τ, its screen starting at 32 edges so that it has to grow
        progress.Report(("hybrid run", 0.9));
        long hybridStart = Stopwatch.GetTimestamp();
        var hybridContext = context with { Options = new DiscoveryOptions { Threshold = threshold, IgSteps = 5, HybridScreenFraction = 0.01, HybridScreenMinimum = 32 } };
        var hybrid = new HybridDiscovery().Discover(hybridContext);
        double hybridMs = Stopwatch.GetElapsedTime(hybridStart).TotalMilliseconds;
        var baselines = context.MetricOf([[], graph.Edges.ToList(), Outside(graph, result.Circuit), Outside(graph, hybrid.Circuit)]);
        double Faithfulness(double circuit) => (circuit - baselines[1]) / (baselines[0] - baselines[1]);

        progress.Report(("plain forward again", 0.95));
        double after = Plain();
        double plainMs = (before + after) / 2;
        progress.Report(("done", 1.0));
        return new JObject
        {
            ["acdc_run_faithfulness"] = Math.Round(Faithfulness(baselines[2]), 4),
            ["hybrid_run_rounds"] = new JArray(hybrid.Certificate!.Rounds.Select(r => new JObject { ["edges"] = r.Edges, ["damage"] = Math.Round(r.Damage, 6) })),
            ["hybrid_run_exact_tests"] = hybrid.ExactTests,
            ["hybrid_run_circuit_edges"] = hybrid.Circuit.Count,
            ["hybrid_run_faithfulness"] = Math.Round(Faithfulness(baselines[3]), 4),
            ["hybrid_run_in_forwards"] = Math.Round(hybridMs / plainMs, 1),
            ["acdc_run_in_forwards"] = Math.Round(totalMs / plainMs, 1),
            ["acdc_run_model"] = $"{c.NLayers} layers, d_model {c.DModel}, {c.NHeads} heads, d_mlp {c.DMlp}, vocabulary {c.DVocab}, random weights; 16 prompts x 16 tokens; q/k/v graph; resample ablation; KL",
            ["acdc_run_edges"] = graph.Edges.Count,
            ["acdc_run_threshold"] = threshold,
            ["acdc_run_exact_tests"] = result.ExactTests,
            ["acdc_run_circuit_edges"] = result.Circuit.Count,
            ["acdc_run_final_kl"] = result.Details.TryGetValue("final_metric", out double kl) ? kl : null,
            ["acdc_run_ms"] = Math.Round(totalMs, 1),
            ["acdc_run_setup_ms"] = Math.Round(setupMs, 1),
            ["acdc_run_plain_forward_ms"] = Math.Round(plainMs, 2),
            ["acdc_run_plain_forward_before_after_ms"] = new JArray(Math.Round(before, 2), Math.Round(after, 2)),
            ["acdc_run_forwards_per_edge_test"] = result.ExactTests == 0 ? null : Math.Round(totalMs / plainMs / result.ExactTests, 3),
        };
    }
}
