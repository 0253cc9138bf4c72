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
/// <c>bench neurons</c>: neuron-level attribution at GPT-2-small scale — the GPT-2-small-shaped random model, 16 prompts
/// × 16 tokens, resample ablation, the neuron-level graph (every MLP neuron a source: 7,568,725 edges). Reports the time
/// and the process's resident memory after each step: building the graph, recording the clean and corrupted runs, EAP
/// and EAP-IG (5 steps) over every edge, and the three runs <c>discover</c> measures after them (nothing ablated,
/// everything ablated, everything outside the top 1,000 edges ablated); times in plain forward passes.
/// </summary>
public static class NeuronBenchmark
{
    public static JObject Run(int runs, IProgress<(string Step, double Fraction)> progress)
    {
        var steps = new JObject();
        void Step(string name, double ms, double? forwards = null)
        {
            steps[name] = new JObject
            {
                ["ms"] = Math.Round(ms, 1),
                ["in_forwards"] = forwards is { } f ? Math.Round(f, 2) : null,
                ["rss_mib"] = Timing.CurrentRssMiB() is { } rss ? Math.Round(rss, 0) : null,
                ["peak_rss_mib"] = Timing.PeakRssMiB() is { } peak ? Math.Round(peak, 0) : null,
            };
        }

        progress.Report(("model", 0.0));
        using var model = RandomWeights.CreateModel(ForwardBenchmark.Gpt2SmallShape, seed: 0);
        var c = model.Config;
        using var scope = NewDisposeScope();
        var clean = randint(0, c.DVocab, [16, 16], generator: new Generator(1)); // [16, 16]
        var corrupted = randint(0, c.DVocab, [16, 16], generator: new Generator(2));
        var answers = randint(0, c.DVocab, [16, 1], generator: new Generator(3));
        var wrong = randint(0, c.DVocab, [16, 1], generator: new Generator(4));
        double plainMs;
        using (no_grad())
        {
            plainMs = Timing.MedianMs(() => model.Forward(clean).Dispose(), warmup: 2, runs);
        }

        Step("model", 0);
        // this machine's load varies: each figure is divided by the mean of plain forwards timed right before and after it
        var clock = new ForwardClock(model, clean);
        (double Ms, double Forwards) Measure(Action action) => clock.Measure(action);

        progress.Report(("graph", 0.05));
        ComputeGraph? built = null;
        var build = Measure(() => built = ModelGraph.Build(c, GraphLevel.Neuron));
        var graph = built!;
        Step("graph", build.Ms);

        progress.Report(("record the clean and corrupted runs", 0.1));
        EdgePatcher? made = null;
        var record = Measure(() => made = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: full([16L], 15L, ScalarType.Int64)), new ResampleAblation(), corrupted));
        using var patcher = made!;
        Step("record", record.Ms, record.Forwards);

        var context = new DiscoveryContext(model, patcher, new LogitDifferenceMetric(), answers, wrong, new DiscoveryOptions { TopK = 1000, IgSteps = 5 });
        progress.Report(("eap", 0.15));
        DiscoveryResult? eapResult = null;
        var eap = Measure(() => eapResult = new EdgeAttributionPatching(integrated: false).Discover(context));
        Step("eap", eap.Ms, eap.Forwards);
        progress.Report(("eap-ig", 0.45));
        var eapIg = Measure(() => new EdgeAttributionPatching(integrated: true).Discover(context));
        Step("eap_ig", eapIg.Ms, eapIg.Forwards);

        progress.Report(("baselines: nothing, everything and all but the circuit ablated", 0.8));
        var circuit = eapResult!.Circuit;
        double[] metrics = [];
        var baselines = Measure(() => metrics = context.MetricOf([[], graph.Edges.ToList(), graph.Edges.Where(e => !circuit.Contains(e)).ToList()]));
        Step("baselines", baselines.Ms, baselines.Forwards);
        progress.Report(("done", 1.0));
        return new JObject
        {
            ["benchmark"] = "neurons",
            ["model"] = "GPT-2-small-shaped, random weights; 16 prompts x 16 tokens; neuron-level graph; resample ablation; logit difference",
            ["edges"] = graph.Edges.Count,
            ["neuron_edges"] = graph.Edges.Count(e => e.Source.Kind == NodeKind.Neuron),
            ["threads"] = get_num_threads(),
            ["plain_forward_ms"] = Math.Round(plainMs, 2),
            ["recorded_mib"] = Math.Round(patcher.RecordedBytes / (1024.0 * 1024.0), 1),
            ["circuit_edges"] = circuit.Count,
            ["metric_clean"] = Math.Round(metrics[0], 5),
            ["metric_everything_ablated"] = Math.Round(metrics[1], 5),
            ["metric_circuit"] = Math.Round(metrics[2], 5),
            ["steps"] = steps,
            ["peak_rss_mib"] = Timing.PeakRssMiB() is { } rss ? Math.Round(rss, 0) : null,
        };
    }
}
