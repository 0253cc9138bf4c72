using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// <c>bench discovery</c>: the GPT-2-small-shaped random model with an IOI-sized task (16 prompts × 16 tokens, random
/// tokens, resample ablation, q/k/v graph of 32,491 edges). Reports the mean cost of one ACDC edge test (one ablated
/// set, resumed from its earliest layer, logits at the last position) over edges sampled uniformly — early in a run
/// (nothing else removed) and late (half of all edges removed besides) — and the wall time of
/// <c>eap</c>, <c>eap-ig</c> (5 steps) and <c>hybrid</c> (EAP-IG, then exact tests on a screened fraction) over all
/// edges, each in units of one plain forward pass. Unless switched off, it starts with a complete ACDC run on a small
/// GPT-2-shaped model (<see cref="AcdcRunBenchmark"/>), whose figures it merges in. With
/// <see cref="PositionMode.All"/> the graph splits every edge by the destination's position (16 × 32,491 edges), and the
/// same figures are taken on it.
/// </summary>
public static class DiscoveryBenchmark
{
    /// <summary>The largest screen the GPT-2-small-shaped hybrid may grow to in the benchmark.</summary>
    public const int HybridScreenMaximum = 1024;

    public static JObject Run(int runs, int sampleEdges, double hybridScreen, bool acdcRun, bool hybridRun, bool storiesRun, IProgress<(string Step, double Fraction)> progress, PositionMode positions = PositionMode.None)
    {
        // first, before the big model's buffers exist: the small model's complete ACDC run, in the first fifth of the bar
        var outer = progress;
        var acdc = acdcRun
            ? AcdcRunBenchmark.Run(runs, AcdcRunBenchmark.Threshold, new ActionProgress<(string Step, double Fraction)>(p => outer.Report(($"small model: {p.Step}", 0.2 * p.Fraction))))
            : null;
        progress = new ActionProgress<(string Step, double Fraction)>(p => outer.Report((p.Step, acdcRun ? 0.2 + (0.8 * p.Fraction) : p.Fraction)));
        progress.Report(("model", 0.0));
        using var model = RandomWeights.CreateModel(ForwardBenchmark.Gpt2SmallShape, seed: 0);
        var c = model.Config;
        var graph = ModelGraph.Build(c, GraphLevel.Qkv, positions == PositionMode.All ? GraphPositions.All(16) : null);
        using var scope = NewDisposeScope();
        var clean = randint(0, c.DVocab, [16, 16], generator: new Generator(1)); // [16, 16]
        var corrupted = randint(0, c.DVocab, [16, 16], generator: new Generator(2)); // [16, 16]
        var answers = randint(0, c.DVocab, [16, 1], generator: new Generator(3)); // [16, 1]
        var wrong = randint(0, c.DVocab, [16, 1], generator: new Generator(4)); // [16, 1]
        double plainMs;
        using (no_grad())
        {
            progress.Report(("plain forward", 0.05));
            plainMs = Timing.MedianMs(() => model.Forward(clean).Dispose(), warmup: 2, runs);
        }

        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: full([16L], 15L, ScalarType.Int64)), new ResampleAblation(), corrupted);
        var kl = new DiscoveryContext(model, patcher, new KlDivergenceMetric(), answers, wrong, new DiscoveryOptions { Threshold = 0.01 });
        progress.Report(("ACDC edge tests", 0.15));
        var random = new Random(5);
        var sample = Enumerable.Range(0, sampleEdges).Select(_ => graph.Edges[random.Next(graph.Edges.Count)]).ToList();
        // this machine's load varies: each figure is divided by the mean of plain forwards timed right before and after it
        var clock = new ForwardClock(model, clean);
        double Plain() => clock.Plain();
        (double Ms, double Forwards) Measure(Action action) => clock.Measure(action);

        // per-test figures: a plain forward after every few tests, each group divided by the plain forwards around it,
        // so that a change of load during the sample moves both sides of the ratio
        (double Ms, double Forwards) MeasureEach<T>(IReadOnlyList<T> items, Action<T> test)
        {
            const int group = 4;
            double ms = 0, forwards = 0, before = Plain();
            for (int i = 0; i < items.Count; i += group)
            {
                long start = Stopwatch.GetTimestamp();
                foreach (var item in items.Skip(i).Take(group))
                {
                    test(item);
                }

                double groupMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds, after = Plain();
                ms += groupMs;
                forwards += groupMs / ((before + after) / 2);
                before = after;
            }

            return (ms / items.Count, forwards / items.Count);
        }

        var (testMs, testForwards) = MeasureEach(sample, edge => kl.MetricOf([[edge]]));

        // late in an ACDC run most edges are already removed: the same tests with half of all edges ablated besides
        progress.Report(("ACDC edge tests, half the edges removed", 0.25));
        var removed = graph.Edges.Where(_ => random.NextDouble() < 0.5).ToList();
        var lateSets = sample.Select(e => (IReadOnlyCollection<Edge>)removed.Append(e).Distinct().ToList()).ToList();
        var (lateMs, lateForwards) = MeasureEach(lateSets, set => kl.MetricOf([set]));

        // the same tests as ACDC makes them on top of a starting set (the hybrid's screened-out edges): the removed set's
        // run recorded once, each test resuming from its own edge's layer on it
        progress.Report(("ACDC edge tests on a recorded base", 0.28));
        var (baseRecordMs, baseRecordForwards) = Measure(() => kl.MetricOf([removed.ToList()], removed));
        var (basedMs, basedForwards) = MeasureEach(lateSets, set => kl.MetricOf([set], removed));

        var logitDiff = new DiscoveryContext(model, patcher, new LogitDifferenceMetric(), answers, wrong, new DiscoveryOptions { TopK = 100, IgSteps = 5 });
        progress.Report(("eap (warm-up)", 0.3));
        new EdgeAttributionPatching(integrated: false).Discover(logitDiff); // first use of autograd and the big buffers
        progress.Report(("eap", 0.35));
        var eap = Measure(() => new EdgeAttributionPatching(integrated: false).Discover(logitDiff));
        progress.Report(("eap-ig", 0.45));
        var eapIg = Measure(() => new EdgeAttributionPatching(integrated: true).Discover(logitDiff));
        DiscoveryResult? hybrid = null;
        (double Ms, double Forwards)? hybridTime = null;
        if (hybridRun)
        {
            progress.Report(("hybrid", 0.65));
            // the adaptive screen as discover runs it, capped so that a benchmark ends: random weights spread the behaviour over
            // most edges, so the screen would otherwise grow towards all 32,491 edges
            var hybridContext = logitDiff with { Options = new DiscoveryOptions { Threshold = 0.01, IgSteps = 5, HybridScreenFraction = hybridScreen, HybridScreenMaximum = HybridScreenMaximum } };
            hybridTime = Measure(() => hybrid = new HybridDiscovery().Discover(hybridContext));
        }

        progress.Report(("done", 1.0));
        var figures = new JObject
        {
            ["benchmark"] = "discovery",
            ["model"] = "GPT-2-small-shaped, random weights; 16 prompts x 16 tokens; q/k/v graph" + (positions == PositionMode.All ? " with an edge per position" : string.Empty) + "; resample ablation",
            ["positions"] = GraphPositions.Name(positions),
            ["edges"] = graph.Edges.Count,
            ["threads"] = get_num_threads(),
            ["plain_forward_ms"] = Math.Round(plainMs, 2),
            ["acdc_edge_test_ms"] = Math.Round(testMs, 2),
            ["acdc_edge_test_in_forwards"] = Math.Round(testForwards, 3),
            ["acdc_sampled_edges"] = sample.Count,
            ["acdc_late_edge_test_ms"] = Math.Round(lateMs, 2),
            ["acdc_late_edge_test_in_forwards"] = Math.Round(lateForwards, 3),
            ["acdc_late_removed_edges"] = removed.Count,
            ["acdc_late_on_base_edge_test_ms"] = Math.Round(basedMs, 2),
            ["acdc_late_on_base_edge_test_in_forwards"] = Math.Round(basedForwards, 3),
            ["acdc_late_base_record_in_forwards"] = Math.Round(baseRecordForwards, 3),
            ["eap_ms"] = Math.Round(eap.Ms, 1),
            ["eap_in_forwards"] = Math.Round(eap.Forwards, 2),
            ["eap_ig_ms"] = Math.Round(eapIg.Ms, 1),
            ["eap_ig_in_forwards"] = Math.Round(eapIg.Forwards, 2),
            ["hybrid_ms"] = hybridTime is { } ht ? Math.Round(ht.Ms, 1) : null,
            ["hybrid_in_forwards"] = hybridTime is { } hf ? Math.Round(hf.Forwards, 2) : null,
            ["hybrid_screen_fraction"] = hybridRun ? hybridScreen : null,
            ["hybrid_exact_tests"] = hybrid?.ExactTests,
            ["hybrid_screen_maximum"] = hybridRun ? HybridScreenMaximum : null,
            ["hybrid_rounds"] = hybrid?.Certificate is { } certificate ? new JArray(certificate.Rounds.Select(r => new JObject { ["edges"] = r.Edges, ["damage"] = Math.Round(r.Damage, 6) })) : null,
            ["hybrid_screened_edges"] = hybrid?.Certificate?.ScreenedEdges,
            ["hybrid_certified"] = hybrid?.Certificate?.Certified,
            ["peak_rss_mib"] = Timing.PeakRssMiB() is { } rss ? Math.Round(rss, 1) : null,
        };
        if (acdc is not null)
        {
            figures.Merge(acdc);
        }

        // last, after the big model's buffers are gone: the real model, where this machine has it
        if (storiesRun && StoriesHybridBenchmark.Find() is { } stories)
        {
            figures.Merge(StoriesHybridBenchmark.Run(stories, outer));
        }
        else
        {
            figures["stories_model"] = storiesRun ? "skipped: no stories260k-hf under $CIRCUITFINDER_REAL_MODELS or ../shared/realmodels" : "skipped (--no-stories)";
        }

        return figures;
    }
}
