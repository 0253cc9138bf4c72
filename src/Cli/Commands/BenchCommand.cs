using System.CommandLine;
using System.Globalization;
using CircuitFinder.Cli.Bench;
using CircuitFinder.Graph;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary><c>circuitfinder bench forward [--json] [--runs N]</c>.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var bench = new Command("bench", "Benchmarks (throughput against the relevant reference)");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var runs = new Option<int>("--runs") { Description = "Timed runs per measurement (median reported)", DefaultValueFactory = _ => 7 };
        var forward = new Command("forward", "Forward pass of a GPT-2-small-shaped random model vs the matmul peak and the hook-free path");
        forward.Add(json);
        forward.Add(runs);
        forward.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                int n = parse.GetValue(runs);
                if (n <= 0)
                {
                    throw new BadInputException($"--runs must be positive, got {n}");
                }

                var result = ConsoleProgress.Run("bench forward", parse.GetValue(GlobalOptions.Quiet), p => ForwardBenchmark.Run(n, p));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(result));
                }
                else
                {
                    PrintForward(result, stdout);
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        bench.Add(forward);
        bench.Add(CreatePatching(stdout, stderr));
        bench.Add(CreateDiscovery(stdout, stderr));
        bench.Add(CreateNeurons(stdout, stderr));
        return bench;
    }

    private static Command CreateDiscovery(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var runs = new Option<int>("--runs") { Description = "Timed runs of the plain forward (median reported)", DefaultValueFactory = _ => 7 };
        var edges = new Option<int>("--edges") { Description = "Edges sampled uniformly for the ACDC edge-test cost", DefaultValueFactory = _ => 48 };
        var screen = new Option<double>("--screen") { Description = "Fraction of edges the hybrid tests exactly", DefaultValueFactory = _ => 0.002 };
        var noAcdcRun = new Option<bool>("--no-acdc-run") { Description = "Skip the complete ACDC run on the small 4-layer model" };
        var noHybrid = new Option<bool>("--no-hybrid") { Description = "Skip the hybrid run on the GPT-2-small-shaped model" };
        var noStories = new Option<bool>("--no-stories") { Description = "Skip hybrid against ACDC on the real stories260K model (run only where it is present)" };
        var positions = new Option<string>("--positions") { Description = "none, or all: split every edge of the GPT-2-small-shaped graph by position (16x the edges)", DefaultValueFactory = _ => "none" };
        var discovery = new Command("discovery", "ACDC edge-test cost, a complete ACDC run, and EAP / EAP-IG / hybrid wall time, in plain forwards");
        foreach (var o in new Option[] { json, runs, edges, screen, noAcdcRun, noHybrid, noStories, positions })
        {
            discovery.Add(o);
        }

        discovery.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                int n = parse.GetValue(runs), e = parse.GetValue(edges);
                double f = parse.GetValue(screen);
                if (n <= 0 || e <= 0 || f is <= 0 or > 1)
                {
                    throw new BadInputException("--runs and --edges must be positive and --screen in (0, 1]");
                }

                var mode = parse.GetValue(positions) switch
                {
                    "none" => PositionMode.None,
                    "all" => PositionMode.All,
                    var other => throw new BadInputException($"--positions: '{other}' is not none or all (the benchmark's random prompts have no word labels)"),
                };

                var r = ConsoleProgress.Run("bench discovery", parse.GetValue(GlobalOptions.Quiet), p => DiscoveryBenchmark.Run(n, e, f, !parse.GetValue(noAcdcRun), !parse.GetValue(noHybrid), !parse.GetValue(noStories), p, mode));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(r));
                }
                else
                {
                    var inv = CultureInfo.InvariantCulture;
                    stdout.WriteLine($"{r["model"]}; {r["edges"]} edges; {r["threads"]} threads; plain forward {r["plain_forward_ms"]} ms");
                    stdout.WriteLine(string.Format(inv, "ACDC edge test: {0:F1} ms = {1:F3} forwards (mean over {2} sampled edges)", (double)r["acdc_edge_test_ms"]!, (double)r["acdc_edge_test_in_forwards"]!, (int)r["acdc_sampled_edges"]!));
                    stdout.WriteLine(string.Format(inv, "  with {0} edges removed at random: {1:F3} forwards from scratch; {2:F3} resuming on the removed set's recorded run (recorded once: {3:F2} forwards)", (int)r["acdc_late_removed_edges"]!, (double)r["acdc_late_edge_test_in_forwards"]!, (double)r["acdc_late_on_base_edge_test_in_forwards"]!, (double)r["acdc_late_base_record_in_forwards"]!));
                    stdout.WriteLine(string.Format(inv, "eap {0:F0} ms = {1:F2} forwards; eap-ig (5 steps) {2:F0} ms = {3:F2} forwards", (double)r["eap_ms"]!, (double)r["eap_in_forwards"]!, (double)r["eap_ig_ms"]!, (double)r["eap_ig_in_forwards"]!));
                    stdout.WriteLine(r["hybrid_ms"]?.Type is JTokenType.Float
                        ? string.Format(inv, "hybrid (screen {0}, {1} exact tests) {2:F0} ms = {3:F2} forwards; peak RSS {4} MiB", (double)r["hybrid_screen_fraction"]!, (int)r["hybrid_exact_tests"]!, (double)r["hybrid_ms"]!, (double)r["hybrid_in_forwards"]!, r["peak_rss_mib"])
                        : $"hybrid: skipped (--no-hybrid); peak RSS {r["peak_rss_mib"]} MiB");
                    PrintAcdcRun(r, stdout);
                    PrintStories(r, stdout);
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return discovery;
    }

    private static Command CreateNeurons(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var runs = new Option<int>("--runs") { Description = "Timed runs of the plain forward (median reported)", DefaultValueFactory = _ => 5 };
        var neurons = new Command("neurons", "Neuron-level EAP / EAP-IG at GPT-2-small scale: time in plain forwards and resident memory after each step");
        neurons.Add(json);
        neurons.Add(runs);
        neurons.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                int n = parse.GetValue(runs);
                if (n <= 0)
                {
                    throw new BadInputException("--runs must be positive");
                }

                var r = ConsoleProgress.Run("bench neurons", parse.GetValue(GlobalOptions.Quiet), p => NeuronBenchmark.Run(n, p));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(r));
                    return ExitCodes.Success;
                }

                var inv = CultureInfo.InvariantCulture;
                stdout.WriteLine($"{r["model"]}; {r["edges"]:N0} edges ({r["neuron_edges"]:N0} from neurons); {r["threads"]} threads; plain forward {r["plain_forward_ms"]} ms; recorded runs {r["recorded_mib"]} MiB");
                foreach (var step in ((JObject)r["steps"]!).Properties())
                {
                    var s = (JObject)step.Value;
                    string forwards = s["in_forwards"]?.Type is JTokenType.Float or JTokenType.Integer ? string.Format(inv, " = {0:F2} forwards", (double)s["in_forwards"]!) : string.Empty;
                    stdout.WriteLine(string.Format(inv, "  {0,-10} {1,10:F0} ms{2}; RSS {3} MiB, peak {4} MiB", step.Name, (double)s["ms"]!, forwards, s["rss_mib"], s["peak_rss_mib"]));
                }

                stdout.WriteLine($"top-{r["circuit_edges"]} circuit: metric {r["metric_circuit"]} (clean {r["metric_clean"]}, everything ablated {r["metric_everything_ablated"]}); peak RSS {r["peak_rss_mib"]} MiB");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return neurons;
    }

    private static Command CreatePatching(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var runs = new Option<int>("--runs") { Description = "Timed runs per forward measurement (median reported)", DefaultValueFactory = _ => 7 };
        var edges = new Option<int>("--edges") { Description = "Edges sampled uniformly for the single-edge measurement", DefaultValueFactory = _ => 256 };
        var variants = new Option<int>("--variants") { Description = "Edge sets evaluated together along the batch dimension", DefaultValueFactory = _ => 8 };
        var patching = new Command("patching", "Edge-masked forward vs the plain forward; mean cost of one single-edge ablation");
        foreach (var o in new Option[] { json, runs, edges, variants })
        {
            patching.Add(o);
        }

        patching.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                int n = parse.GetValue(runs), e = parse.GetValue(edges), v = parse.GetValue(variants);
                if (n <= 0 || e <= 0 || v <= 0)
                {
                    throw new BadInputException("--runs, --edges and --variants must be positive");
                }

                var result = ConsoleProgress.Run("bench patching", parse.GetValue(GlobalOptions.Quiet), p => PatchingBenchmark.Run(n, e, v, p));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(result));
                }
                else
                {
                    var inv = CultureInfo.InvariantCulture;
                    stdout.WriteLine($"{result["model"]}; {result["edges"]} edges; {result["threads"]} threads");
                    stdout.WriteLine(string.Format(inv, "plain forward {0:F1} ms; edge-masked forward, nothing ablated {1:F1} ms = {2:F3}x", (double)result["plain_forward_ms"]!, (double)result["masked_forward_nothing_ablated_ms"]!, (double)result["masked_over_plain"]!));
                    stdout.WriteLine(string.Format(inv, "single-edge ablation (resume + {0} variants per call, {1} sampled edges): {2:F2} ms = {3:F3} forwards", (int)result["variants_per_call"]!, (int)result["sampled_edges"]!, (double)result["single_edge_ms"]!, (double)result["single_edge_in_forwards"]!));
                    stdout.WriteLine($"setup (clean + corrupted records): {result["setup_ms"]} ms; peak RSS {result["peak_rss_mib"]} MiB");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return patching;
    }

    /// <summary>The lines for the complete ACDC run of <c>bench discovery</c> (or that it was skipped).</summary>
    internal static void PrintAcdcRun(JObject r, TextWriter stdout)
    {
        if (r["acdc_run_ms"] is null)
        {
            stdout.WriteLine("ACDC run: skipped (--no-acdc-run)");
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"ACDC run on {r["acdc_run_model"]}; tau {((double)r["acdc_run_threshold"]!).ToString("G3", inv)}");
        stdout.WriteLine(string.Format(
            inv,
            "  acdc {0} forwards, faithfulness {1}; adaptive hybrid (screen from 32 edges: {2}) {3} exact tests, {4} edges, faithfulness {5}, {6} forwards",
            r["acdc_run_in_forwards"],
            r["acdc_run_faithfulness"],
            string.Join(" -> ", ((JArray)r["hybrid_run_rounds"]!).Select(x => x["edges"])),
            r["hybrid_run_exact_tests"],
            r["hybrid_run_circuit_edges"],
            r["hybrid_run_faithfulness"],
            r["hybrid_run_in_forwards"]));
        stdout.WriteLine(string.Format(
            inv,
            "  {0} edges, {1} exact tests, circuit {2} edges; {3:F0} ms (setup {4:F0} ms), plain forward {5:F2} ms: {6:F3} forwards per edge test",
            (int)r["acdc_run_edges"]!,
            (int)r["acdc_run_exact_tests"]!,
            (int)r["acdc_run_circuit_edges"]!,
            (double)r["acdc_run_ms"]!,
            (double)r["acdc_run_setup_ms"]!,
            (double)r["acdc_run_plain_forward_ms"]!,
            (double?)r["acdc_run_forwards_per_edge_test"] ?? double.NaN));
    }

    /// <summary>The lines for the hybrid against ACDC on stories260K (or why it was skipped).</summary>
    internal static void PrintStories(JObject r, TextWriter stdout)
    {
        if (r["stories_edges"] is null)
        {
            stdout.WriteLine($"stories260K: {r["stories_model"]}");
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"stories260K: {r["stories_model"]}; {r["stories_edges"]} edges");
        foreach (var prefix in new[] { "stories_", "stories_kl_" }.Where(p => r[p + "metric"] is not null))
        {
            stdout.WriteLine(string.Format(
                inv,
                "  {0}: hybrid: screen {1} ({2}), {3} exact tests, {4} edges, faithfulness {5}, {6} forwards; acdc: {7} exact tests, {8} edges, faithfulness {9}, {10} forwards; acdc / hybrid cost {11}x",
                r[prefix + "metric"],
                string.Join(" -> ", ((JArray)r[prefix + "hybrid_rounds"]!).Select(x => x["edges"])),
                (bool)r[prefix + "hybrid_certified"]! ? "certified" : "not certified",
                r[prefix + "hybrid_exact_tests"],
                r[prefix + "hybrid_circuit_edges"],
                r[prefix + "hybrid_faithfulness"],
                r[prefix + "hybrid_in_forwards"],
                r[prefix + "acdc_exact_tests"],
                r[prefix + "acdc_circuit_edges"],
                r[prefix + "acdc_faithfulness"],
                r[prefix + "acdc_in_forwards"],
                r[prefix + "acdc_over_hybrid_cost"]));
        }
    }

    private static void PrintForward(JObject r, TextWriter stdout)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"{r["model"]}; {r["threads"]} threads; median of {r["runs"]} runs");
        stdout.WriteLine(string.Format(inv, "fp32 matmul 1024³: {0:F1} GFLOP/s", (double)r["matmul_1024_gflops"]!));
        foreach (var s in (JArray)r["shapes"]!)
        {
            stdout.WriteLine(string.Format(
                inv,
                "forward {0}×{1}: {2:F1} ms, {3:F1} GFLOP/s = {4:P0} of matmul; plain path {5:F1} ms, hooks unused / plain = {6:F3}",
                (int)s["batch"]!,
                (int)s["pos"]!,
                (double)s["median_ms"]!,
                (double)s["achieved_gflops"]!,
                (double)s["ratio_to_matmul"]!,
                (double)s["plain_path_median_ms"]!,
                (double)s["hooks_unused_over_plain"]!));
        }

        stdout.WriteLine($"peak RSS: {r["peak_rss_mib"]} MiB");
    }
}
