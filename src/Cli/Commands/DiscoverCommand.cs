using System.CommandLine;
using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Reports;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder discover --model M --task T --method acdc|eap|eap-ig|hybrid [--threshold τ | --edges K | --budget P]
/// [--metric ...] [--ablation ...] [--level head|qkv|neuron] [--n N] [--seed S] [--resume] --out DIR</c>: writes
/// circuit.json, circuit.dot and, where Graphviz is installed, circuit.svg; ACDC and the hybrid save progress in
/// DIR/acdc-checkpoint.json, which <c>--resume</c> continues from (to the identical circuit).
/// </summary>
public static class DiscoverCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "Built-in task name or a task file", Required = true };
        var method = new Option<string>("--method") { Description = "acdc, eap, eap-ig or hybrid", DefaultValueFactory = _ => "eap-ig" };
        var threshold = new Option<double?>("--threshold") { Description = "ACDC's τ, or a |score| threshold for eap/eap-ig" };
        var edges = new Option<int?>("--edges") { Description = "Keep the top K edges by |score| (eap, eap-ig)" };
        var budget = new Option<double?>("--budget") { Description = "Keep this percent of all edges by |score| (eap, eap-ig)" };
        var metric = new Option<string?>("--metric") { Description = "kl, logit-diff, prob, prob-diff, logprob, loss, accuracy (default: kl for acdc, else the task's)" };
        var ablation = new Option<string>("--ablation") { Description = "resample, mean, mean-positions, zero, noise", DefaultValueFactory = _ => "resample" };
        var level = new Option<string>("--level") { Description = "head, qkv or neuron", DefaultValueFactory = _ => "qkv" };
        var count = new Option<int>("--n") { Description = "Prompts to generate for a built-in task", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Seed for generated prompts and noise", DefaultValueFactory = _ => 0 };
        var igSteps = new Option<int>("--ig-steps") { Description = "EAP-IG integration steps", DefaultValueFactory = _ => 5 };
        var screen = new Option<double>("--screen") { Description = "hybrid: fraction of edges (by |EAP-IG score|) given ACDC's exact test", DefaultValueFactory = _ => 0.1 };
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var resume = new Option<bool>("--resume") { Description = "ACDC/hybrid: continue an interrupted run from --out/acdc-checkpoint.json" };
        var batchSize = new Option<int?>("--batch") { Description = "Prompts per batch (default: all at once); smaller batches use less memory" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "ACDC/hybrid: save progress after this many edge tests", DefaultValueFactory = _ => 200 };
        var command = new Command("discover", "Find the circuit for a task and write circuit.json, circuit.dot (and circuit.svg)");
        model.AddTo(command);
        foreach (var o in new Option[] { task, method, threshold, edges, budget, metric, ablation, level, count, seed, igSteps, screen, batchSize, outDir, resume, checkpointEvery })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var clock = Stopwatch.StartNew();
                var timings = new Dictionary<string, double>();
                string methodName = parse.GetValue(method)!;
                var algorithm = Catalog(() => DiscoveryCatalog.Create(methodName), "--method");
                var ablationKind = Catalog(() => AblationCatalog.Create(parse.GetValue(ablation)!), "--ablation");
                var graphLevel = parse.GetValue(level) switch
                {
                    "head" => GraphLevel.Head,
                    "qkv" => GraphLevel.Qkv,
                    "neuron" => GraphLevel.Neuron,
                    var other => throw new BadInputException($"--level: unknown level '{other}' (expected head, qkv or neuron)"),
                };
                var options = new DiscoveryOptions
                {
                    Threshold = parse.GetValue(threshold),
                    TopK = parse.GetValue(edges),
                    BudgetPercent = parse.GetValue(budget),
                    IgSteps = parse.GetValue(igSteps),
                    HybridScreenFraction = parse.GetValue(screen),
                };
                if (methodName is "acdc" or "hybrid" && (options.Threshold is null || options.TopK is not null || options.BudgetPercent is not null))
                {
                    throw new BadInputException($"--method {methodName} takes --threshold τ (and no --edges/--budget)");
                }

                int selections = (options.Threshold is null ? 0 : 1) + (options.TopK is null ? 0 : 1) + (options.BudgetPercent is null ? 0 : 1);
                if (selections != 1)
                {
                    throw new BadInputException($"--method {methodName} selects its circuit by exactly one of --threshold, --edges or --budget (got {selections})");
                }

                if (options.TopK is < 0 || options.BudgetPercent is <= 0 or > 100 || options.Threshold is { } t && (double.IsNaN(t) || double.IsInfinity(t)))
                {
                    throw new BadInputException("--edges must not be negative, --budget must be in (0, 100] and --threshold must be a finite number");
                }

                string folder = parse.GetValue(outDir)!;
                ReportFiles.EnsureWritable(folder);
                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), parse.GetValue(seed), loaded);
                var metricKey = parse.GetValue(metric) ?? (methodName == "acdc" ? "kl" : dataset.DefaultMetric);
                var taskMetric = Catalog(() => MetricCatalog.Create(metricKey), "--metric");
                timings["load"] = clock.Elapsed.TotalSeconds;

                if (parse.GetValue(batchSize) is <= 0)
                {
                    throw new BadInputException($"--batch must be a positive number of prompts, got {parse.GetValue(batchSize)}");
                }

                if (parse.GetValue(checkpointEvery) <= 0)
                {
                    throw new BadInputException($"--checkpoint-every must be positive, got {parse.GetValue(checkpointEvery)}");
                }

                string checkpoint = Path.Combine(folder, "acdc-checkpoint.json");
                options = options with
                {
                    CheckpointPath = methodName is "acdc" or "hybrid" ? checkpoint : null,
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Resume = parse.GetValue(resume),
                    Fingerprint = string.Join(
                        '|',
                        loaded.WeightsSha256,
                        dataset.ContentHash,
                        methodName,
                        metricKey,
                        parse.GetValue(ablation),
                        parse.GetValue(level),
                        parse.GetValue(seed),
                        parse.GetValue(batchSize),
                        options.Threshold?.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        options.IgSteps,
                        options.HybridScreenFraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                };
                using var batch = TaskBatch.From(dataset);
                var c = loaded.Model.Config;
                var graph = ModelGraph.Build(c, graphLevel);
                using var noGrad = TorchSharp.torch.no_grad();
                using var batches = PromptBatches.Create(loaded.Model, graph, batch, ablationKind, parse.GetValue(batchSize), parse.GetValue(seed));
                var context = new DiscoveryContext(loaded.Model, batches.Batches, taskMetric, options);
                timings["setup"] = clock.Elapsed.TotalSeconds - timings["load"];

                var result = ConsoleProgress.Run($"discover ({methodName})", parse.GetValue(GlobalOptions.Quiet), progress =>
                    algorithm.Discover(context, new SynchronousProgress<DiscoveryProgress>(p => progress.Report(($"{p.Done}/{p.Total} edges tested, circuit {p.CircuitEdges} edges", p.Total == 0 ? 1 : (double)p.Done / p.Total)))));
                timings["discover"] = clock.Elapsed.TotalSeconds - timings["load"] - timings["setup"];

                var baselines = context.MetricOf([[], graph.Edges.ToList(), graph.Edges.Where(e => !result.Circuit.Contains(e)).ToList()]);
                var report = new CircuitReport
                {
                    ToolVersion = typeof(DiscoverCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                    Model = new ReportModel(loaded.Source, loaded.WeightsSha256, loaded.Layout, ConfigJson.ToTransformerLens(c)),
                    Task = new ReportTask(dataset.Name, dataset.ContentHash, dataset.Prompts.Count, metricKey),
                    Method = methodName,
                    Parameters = new Dictionary<string, JToken?>
                    {
                        ["threshold"] = options.Threshold,
                        ["edges"] = options.TopK,
                        ["budget_percent"] = options.BudgetPercent,
                        ["ablation"] = ablationKind.Name,
                        ["level"] = graphLevel.ToString().ToLowerInvariant(),
                        ["metric"] = metricKey,
                        ["seed"] = parse.GetValue(seed),
                        ["prompts"] = dataset.Prompts.Count,
                        ["batch"] = parse.GetValue(batchSize) ?? dataset.Prompts.Count,
                        ["ig_steps"] = methodName is "eap-ig" or "hybrid" ? options.IgSteps : null,
                        ["screen_fraction"] = methodName == "hybrid" ? options.HybridScreenFraction : null,
                    },
                    Graph = graph,
                    Circuit = result.Circuit,
                    Scores = result.Scores,
                    CleanMetric = baselines[0],
                    AblatedMetric = baselines[1],
                    CircuitMetric = baselines[2],
                    ExactTests = result.ExactTests,
                    Details = result.Details,
                    Timings = timings,
                };
                timings["total"] = clock.Elapsed.TotalSeconds;
                var written = ReportFiles.Write(folder, report);
                if (File.Exists(checkpoint))
                {
                    File.Delete(checkpoint); // the run finished: nothing left to resume
                }

                stderr.WriteLine(
                    $"{methodName}: {result.Circuit.Count} of {graph.Edges.Count} edges, faithfulness {report.Faithfulness:F3}; wrote {string.Join(", ", written)}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static T Catalog<T>(Func<T> create, string option)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"{option}: {e.Message}");
        }
    }
}
