using System.CommandLine;
using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Reports;
using CircuitFinder.Reports.Verification;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Scrubbing.Inputs;
using CircuitFinder.Scrubbing.Verification;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder verify --model M --task T (--circuit FILE | --hypothesis FILE ...) [--truth FILE] [--metric ...]
/// [--ablation ...] [--json] [--out DIR | --merge]</c>: faithfulness, the MIB faithfulness curve (when the file has
/// scores), completeness and minimality, ground-truth precision / recall / AUROC, and causal scrubbing of hypotheses;
/// a short summary on stdout (or the JSON with <c>--json</c>), <c>DIR/verification.json</c>, or the same object merged
/// into the given circuit.json under <c>verification</c>.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "Built-in task name or a task file", Required = true };
        var circuit = new Option<string?>("--circuit") { Description = "circuit.json, an EAP-IG / MIB graph JSON, or a list of edge or node ids" };
        var hypothesis = new Option<string[]>("--hypothesis") { Description = "A causal-scrubbing hypothesis file (docs/hypothesis.md); may be repeated", DefaultValueFactory = _ => [] };
        var truth = new Option<string?>("--truth") { Description = "A ground-truth circuit (e.g. from `zoo truth`) to score the circuit against" };
        var metric = new Option<string?>("--metric") { Description = "kl, logit-diff, prob, prob-diff, logprob, loss, accuracy (default: the task's)" };
        var ablation = new Option<string>("--ablation") { Description = "resample, mean, mean-positions, zero, noise", DefaultValueFactory = _ => "resample" };
        var count = new Option<int>("--n") { Description = "Prompts to generate for a built-in task", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Seed for generated prompts, noise, subsets and resampling", DefaultValueFactory = _ => 0 };
        var subsets = new Option<int>("--subsets") { Description = "Random node subsets for completeness and minimality", DefaultValueFactory = _ => 16 };
        var greedy = new Option<int>("--greedy-steps") { Description = "Greedy steps for completeness and minimality", DefaultValueFactory = _ => 4 };
        var skipCompleteness = new Option<bool>("--no-completeness") { Description = "Skip completeness and minimality" };
        var draws = new Option<int>("--draws") { Description = "Causal scrubbing: resampling draws per prompt", DefaultValueFactory = _ => 8 };
        var scrubMode = new Option<string>("--scrub") { Description = "Causal scrubbing: tree (treeified, Chan et al.) or node (node-level approximation)", DefaultValueFactory = _ => "tree" };
        var budget = new Option<int>("--scrub-budget") { Description = "Causal scrubbing: most node evaluations per draw", DefaultValueFactory = _ => 4096 };
        var scrubBatch = new Option<int>("--scrub-batch") { Description = "Causal scrubbing: prompts scrubbed at once (memory)", DefaultValueFactory = _ => 64 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print the verification JSON on stdout instead of the summary" };
        var outDir = new Option<string?>("--out") { Description = "Write DIR/verification.json" };
        var merge = new Option<bool>("--merge") { Description = "Merge the results into the --circuit circuit.json under 'verification'" };
        var command = new Command("verify", "Check a circuit (faithfulness, curve, completeness, minimality, ground truth) or a causal-scrubbing hypothesis");
        model.AddTo(command);
        foreach (var o in new Option[] { task, circuit, hypothesis, truth, metric, ablation, count, seed, subsets, greedy, skipCompleteness, draws, scrubMode, budget, scrubBatch, bootstrap, json, outDir, merge })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var clock = Stopwatch.StartNew();
                var timings = new Dictionary<string, double>();
                string? circuitPath = parse.GetValue(circuit);
                var hypotheses = parse.GetValue(hypothesis) ?? [];
                string? truthPath = parse.GetValue(truth);
                bool quiet = parse.GetValue(GlobalOptions.Quiet);
                if (circuitPath is null && hypotheses.Length == 0)
                {
                    throw new BadInputException("verify needs --circuit FILE, --hypothesis FILE, or both");
                }

                if (parse.GetValue(merge) && circuitPath is null)
                {
                    throw new BadInputException("--merge writes into the --circuit circuit.json: give --circuit");
                }

                if (truthPath is not null && circuitPath is null)
                {
                    throw new BadInputException("--truth compares a circuit with the ground truth: give --circuit too");
                }

                foreach (var (name, value, least) in new[]
                {
                    ("--subsets", parse.GetValue(subsets), 0), ("--greedy-steps", parse.GetValue(greedy), 0), ("--draws", parse.GetValue(draws), 1),
                    ("--scrub-budget", parse.GetValue(budget), 1), ("--scrub-batch", parse.GetValue(scrubBatch), 1), ("--bootstrap", parse.GetValue(bootstrap), 0),
                })
                {
                    if (value < least)
                    {
                        throw new BadInputException($"{name} must be at least {least}, got {value}");
                    }
                }

                var mode = parse.GetValue(scrubMode) switch
                {
                    "tree" => ScrubMode.Tree,
                    "node" => ScrubMode.Node,
                    var other => throw new BadInputException($"--scrub: unknown mode '{other}' (expected tree or node)"),
                };
                string? folder = parse.GetValue(outDir);
                if (folder is not null)
                {
                    ReportFiles.EnsureWritable(folder);
                }

                var ablationKind = Catalog(() => AblationCatalog.Create(parse.GetValue(ablation)!), "--ablation");
                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), parse.GetValue(seed), loaded);
                string metricKey = parse.GetValue(metric) ?? dataset.DefaultMetric;
                var taskMetric = Catalog(() => MetricCatalog.Create(metricKey), "--metric");
                var c = loaded.Model.Config;
                var graphs = new Dictionary<GraphLevel, ComputeGraph>();
                ComputeGraph GraphFor(GraphLevel level) =>
                    graphs.TryGetValue(level, out var g) ? g : graphs[level] = ModelGraph.Build(c, level);
                timings["load"] = clock.Elapsed.TotalSeconds;

                var options = new SubsetSearchOptions { RandomSubsets = parse.GetValue(subsets), GreedySteps = parse.GetValue(greedy), Seed = parse.GetValue(seed) };
                var report = new VerificationReport
                {
                    ToolVersion = typeof(VerifyCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                    Model = new ReportModel(loaded.Source, loaded.WeightsSha256, loaded.Layout, ConfigJson.ToTransformerLens(c)),
                    Task = new ReportTask(dataset.Name, dataset.ContentHash, dataset.Prompts.Count, metricKey),
                    Parameters = new Dictionary<string, JToken?>
                    {
                        ["ablation"] = ablationKind.Name,
                        ["metric"] = metricKey,
                        ["seed"] = parse.GetValue(seed),
                        ["prompts"] = dataset.Prompts.Count,
                        ["random_subsets"] = circuitPath is null || parse.GetValue(skipCompleteness) ? null : options.RandomSubsets,
                        ["greedy_steps"] = circuitPath is null || parse.GetValue(skipCompleteness) ? null : options.GreedySteps,
                        ["scrub_mode"] = hypotheses.Length == 0 ? null : mode.ToString().ToLowerInvariant(),
                        ["scrub_draws"] = hypotheses.Length == 0 ? null : parse.GetValue(draws),
                        ["scrub_budget"] = hypotheses.Length == 0 ? null : parse.GetValue(budget),
                        ["scrub_batch"] = hypotheses.Length == 0 ? null : parse.GetValue(scrubBatch),
                        ["bootstrap_resamples"] = hypotheses.Length == 0 ? null : parse.GetValue(bootstrap),
                    },
                };

                CircuitFile? file = null;
                using var noGrad = TorchSharp.torch.no_grad();
                if (circuitPath is not null)
                {
                    file = CircuitFileReader.Read(circuitPath, GraphFor);
                    if (file.Circuit.Count == 0)
                    {
                        throw new BadInputException($"{circuitPath}: the circuit is empty (no edge is in it)");
                    }

                    if (parse.GetValue(merge) && file.Format != "circuit.json")
                    {
                        throw new BadInputException($"--merge writes into the --circuit file, which must be a circuit.json ({circuitPath} is {file.Format})");
                    }

                    report = VerifyCircuit(report, file, truthPath, GraphFor, loaded, dataset, ablationKind, taskMetric, options, !parse.GetValue(skipCompleteness), parse.GetValue(seed), quiet, timings, clock);
                }

                var scrubs = new List<ScrubSummary>();
                var scrubbers = new Dictionary<GraphLevel, CausalScrubber>();
                try
                {
                    foreach (var path in hypotheses)
                    {
                        var h = HypothesisReader.Read(path, dataset, GraphFor);
                        if (!scrubbers.TryGetValue(h.Graph.Level, out var scrubber))
                        {
                            scrubbers[h.Graph.Level] = scrubber = new CausalScrubber(loaded.Model, h.Graph, dataset);
                        }

                        var scrubOptions = new ScrubOptions
                        {
                            Mode = mode,
                            Draws = parse.GetValue(draws),
                            Budget = parse.GetValue(budget),
                            BootstrapSamples = parse.GetValue(bootstrap),
                            Seed = parse.GetValue(seed),
                            BatchSize = parse.GetValue(scrubBatch),
                        };
                        var result = ConsoleProgress.Run($"scrub {h.Name}", quiet, progress =>
                            scrubber.Run(h, scrubOptions, new ActionProgress<(int Done, int Total)>(p => progress.Report(($"draw {p.Done}/{p.Total}", (double)p.Done / p.Total)))));
                        scrubs.Add(VerificationMapping.Scrub(result, path, h.Edges.Count));
                    }
                }
                finally
                {
                    foreach (var s in scrubbers.Values)
                    {
                        s.Dispose();
                    }
                }

                timings["scrubbing"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
                timings["total"] = clock.Elapsed.TotalSeconds;
                report = report with { Scrubbing = scrubs, Timings = timings };
                var verification = VerificationJson.Write(report);
                var written = new List<string>();
                if (folder is not null)
                {
                    string target = Path.Combine(folder, "verification.json");
                    AtomicFile.WriteAllText(target, JsonOutput.Format(verification) + "\n");
                    written.Add(target);
                }

                if (parse.GetValue(merge) && file is not null)
                {
                    var merged = VerificationJson.Merge(Model.Config.JsonFields.ReadObjectFile(file.Path), verification);
                    AtomicFile.WriteAllText(file.Path, JsonOutput.Format(merged) + "\n");
                    written.Add(file.Path);
                }

                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonOutput.Format(verification));
                }
                else
                {
                    foreach (var line in VerificationText.Lines(report))
                    {
                        stdout.WriteLine(line);
                    }
                }

                if (written.Count > 0)
                {
                    stderr.WriteLine($"wrote {string.Join(", ", written)}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static VerificationReport VerifyCircuit(
        VerificationReport report, CircuitFile file, string? truthPath, Func<GraphLevel, ComputeGraph> graphFor, LoadedModel loaded, TaskDataset dataset, IAblation ablation, IMetric metric,
        SubsetSearchOptions options, bool completeness, int seed, bool quiet, Dictionary<string, double> timings, Stopwatch clock)
    {
        var graph = file.Graph;
        using var batch = TaskBatch.From(dataset);
        using var patcher = new EdgePatcher(
            loaded.Model, graph, new PatchingInput(batch.Clean, batch.AttentionMask, batch.ReadPositions), ablation, batch.Corrupt, seed: seed);
        var evaluator = new CircuitEvaluator(patcher, metric, batch.Answers, batch.WrongAnswers);
        var circuitMetric = evaluator.ExactMetricOf([file.Circuit])[0];
        double faithfulness = evaluator.FaithfulnessOf([file.Circuit])[0];
        report = report with
        {
            CircuitFile = file.Path,
            CircuitFormat = file.Format,
            Faithfulness = new FaithfulnessSummary(
                file.Circuit.Count, file.Circuit.Nodes(graph).Count, graph.Edges.Count, evaluator.CleanMetric, evaluator.AblatedMetric, circuitMetric, faithfulness),
        };
        timings["faithfulness"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        if (file.Scores is { } scores)
        {
            var curve = ConsoleProgress.Run("faithfulness curve", quiet, progress =>
                FaithfulnessCurve.Evaluate(evaluator, scores, null, new ActionProgress<(int Done, int Total)>(p => progress.Report(($"{p.Done}/{p.Total} budgets", (double)p.Done / p.Total)))));
            report = report with { Curve = VerificationMapping.Curve(curve) };
            timings["curve"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        }

        if (completeness)
        {
            var (complete, minimal) = ConsoleProgress.Run("completeness and minimality", quiet, progress =>
            {
                progress.Report(("completeness", 0.0));
                var k = CompletenessMinimality.Completeness(evaluator, file.Circuit, options);
                var m = CompletenessMinimality.Minimality(
                    evaluator, file.Circuit, options, new ActionProgress<(int Done, int Total)>(p => progress.Report(($"minimality {p.Done}/{p.Total} nodes", 0.2 + (0.8 * p.Done / p.Total)))));
                return (k, m);
            });
            report = report with { Completeness = VerificationMapping.Completeness(complete, options), Minimality = VerificationMapping.Minimality(minimal) };
            timings["completeness_minimality"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        }

        if (truthPath is not null)
        {
            var truth = CircuitFileReader.Read(truthPath, graphFor);
            var truthCircuit = CircuitProjection.Project(truth.Circuit, truth.Graph, graph); // e.g. a q/k/v-level truth for a head-level circuit
            report = report with
            {
                TruthFile = truthPath,
                Truth =
                [
                    VerificationMapping.Truth(GroundTruthComparison.Edges(graph, file.Circuit, truthCircuit, file.Scores)),
                    VerificationMapping.Truth(GroundTruthComparison.Nodes(graph, file.Circuit, truthCircuit, file.Scores)),
                ],
            };
        }

        return report;
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
