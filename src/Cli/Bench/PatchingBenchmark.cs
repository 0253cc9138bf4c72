using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// <c>bench patching</c>: the GPT-2-small-shaped random model on 16 prompts of 16 tokens with its q/k/v graph
/// (32,491 edges) and resample ablation. Reports the edge-masked forward with nothing ablated relative to the plain
/// forward (same work: logits at every position, no resume), and the mean cost of one single-edge ablation — with
/// resume-from-layer and variants batched, logits read at the last position as discovery does — over a uniform sample
/// of the edges, in units of one plain forward.
/// </summary>
public static class PatchingBenchmark
{
    public static JObject Run(int runs, int sampleEdges, int variantsPerCall, IProgress<(string Step, double Fraction)> progress)
    {
        using var noGrad = no_grad();
        progress.Report(("model", 0.0));
        using var model = RandomWeights.CreateModel(ForwardBenchmark.Gpt2SmallShape, seed: 0);
        var c = model.Config;
        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        using var scope = NewDisposeScope();
        var clean = randint(0, c.DVocab, [16, 16], generator: new Generator(1)); // [16, 16]
        var corrupted = randint(0, c.DVocab, [16, 16], generator: new Generator(2)); // [16, 16]

        progress.Report(("plain forward", 0.1));
        double plainMs = Timing.MedianMs(() => model.Forward(clean).Dispose(), warmup: 2, runs);

        progress.Report(("record clean and corrupted runs", 0.25));
        long setupStart = Stopwatch.GetTimestamp();
        using var allPositions = new EdgePatcher(model, graph, new PatchingInput(clean), new ResampleAblation(), corrupted);
        double setupMs = Stopwatch.GetElapsedTime(setupStart).TotalMilliseconds;
        double maskedMs = Timing.MedianMs(() => allPositions.Evaluate([[]], resume: false).Dispose(), warmup: 2, runs);

        progress.Report(("single-edge ablations", 0.45));
        var last = full([16L], 15L, ScalarType.Int64);
        using var lastPosition = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: last), new ResampleAblation(), corrupted);
        var random = new Random(3);
        var sample = Enumerable.Range(0, sampleEdges).Select(_ => graph.Edges[random.Next(graph.Edges.Count)]).ToList();
        var sets = sample.Select(e => (IReadOnlyCollection<Edge>)[e]).ToList();
        lastPosition.Evaluate(sets.Take(variantsPerCall).ToList(), variantsPerCall: variantsPerCall).Dispose(); // warm-up
        long start = Stopwatch.GetTimestamp();
        const int callsPerReport = 64; // the patcher groups each block of sets by the layer they start at
        for (int first = 0; first < sets.Count; first += callsPerReport)
        {
            lastPosition.Evaluate(sets.Skip(first).Take(callsPerReport).ToList(), variantsPerCall: variantsPerCall).Dispose();
            progress.Report(("single-edge ablations", 0.45 + (0.55 * (first + callsPerReport) / sets.Count)));
        }

        double perEdgeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / sets.Count;
        progress.Report(("done", 1.0));
        return new JObject
        {
            ["benchmark"] = "patching",
            ["model"] = "GPT-2-small-shaped, random weights; 16 prompts x 16 tokens; q/k/v graph",
            ["edges"] = graph.Edges.Count,
            ["threads"] = get_num_threads(),
            ["plain_forward_ms"] = Math.Round(plainMs, 2),
            ["setup_ms"] = Math.Round(setupMs, 1),
            ["masked_forward_nothing_ablated_ms"] = Math.Round(maskedMs, 2),
            ["masked_over_plain"] = Math.Round(maskedMs / plainMs, 3),
            ["sampled_edges"] = sets.Count,
            ["variants_per_call"] = variantsPerCall,
            ["sets_per_evaluate"] = 64,
            ["single_edge_ms"] = Math.Round(perEdgeMs, 2),
            ["single_edge_in_forwards"] = Math.Round(perEdgeMs / plainMs, 3),
            ["peak_rss_mib"] = Timing.PeakRssMiB() is { } rss ? Math.Round(rss, 1) : null,
        };
    }
}
