using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Scrubbing.Inputs;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// One verification run as a library service: checks the settings (throwing <see cref="BadInputException"/> naming
/// the option), then, on a loaded model and a task, measures the circuit's faithfulness, its MIB faithfulness curve
/// (when the circuit file has scores), completeness and minimality, its precision / recall / AUROC against a ground
/// truth, and scrubs each hypothesis; progress per phase through <see cref="IProgress{T}"/>. Returns the tensor-free
/// <see cref="VerificationRecord"/> that <c>verification.json</c> is written from.
/// </summary>
public sealed class VerificationRun
{
    private readonly IAblation _ablation;

    public VerificationRun(VerificationSettings settings)
    {
        Settings = settings;
        foreach (var (name, value, least) in new[]
        {
            ("--subsets", settings.RandomSubsets, 0), ("--greedy-steps", settings.GreedySteps, 0), ("--draws", settings.Draws, 1),
            ("--scrub-budget", settings.ScrubBudget, 1), ("--scrub-batch", settings.ScrubBatch, 1), ("--bootstrap", settings.BootstrapSamples, 0),
        })
        {
            if (value < least)
            {
                throw new BadInputException($"{name} must be at least {least}, got {value}");
            }
        }

        _ablation = Catalog(() => AblationCatalog.Create(settings.Ablation), "--ablation");
        if (settings.Metric is { } metric)
        {
            Catalog(() => MetricCatalog.Create(metric), "--metric");
        }
    }

    public VerificationSettings Settings { get; }

    /// <summary>Verifies what <paramref name="request"/> asks on <paramref name="dataset"/> in <paramref name="loaded"/>.</summary>
    public VerificationRecord Run(LoadedModel loaded, TaskDataset dataset, VerificationRequest request, IProgress<VerificationProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var s = Settings;
        if (request.Circuit is null && request.Hypotheses.Count == 0)
        {
            throw new BadInputException("verify needs --circuit FILE, --hypothesis FILE, or both");
        }

        if (request.Truth is not null && request.Circuit is null)
        {
            throw new BadInputException("--truth compares a circuit with the ground truth: give --circuit too");
        }

        if (request.Circuit is { Circuit.Count: 0 } empty)
        {
            throw new BadInputException($"{empty.Path}: the circuit is empty (no edge is in it)");
        }

        string metricKey = s.Metric ?? dataset.DefaultMetric;
        var metric = Catalog(() => MetricCatalog.Create(metricKey), "--metric");
        var graphs = new Dictionary<GraphLevel, ComputeGraph>();
        foreach (var file in new[] { request.Circuit, request.Truth }.OfType<CircuitFile>())
        {
            graphs.TryAdd(file.Graph.Level, file.Graph);
        }

        var config = loaded.Model.Config;
        ComputeGraph GraphFor(GraphLevel level) => graphs.TryGetValue(level, out var g) ? g : graphs[level] = ModelGraph.Build(config, level);
        bool completeness = request.Circuit is not null && s.Completeness;
        bool scrubbing = request.Hypotheses.Count > 0;
        var record = new VerificationRecord
        {
            ToolVersion = DiscoveryRun.ToolVersion,
            Model = new ModelRecord(loaded.Source, loaded.WeightsSha256, loaded.Layout, ConfigJson.ToTransformerLens(config)),
            Task = new TaskRecord(dataset.Name, dataset.ContentHash, dataset.Prompts.Count, metricKey),
            Parameters = new Dictionary<string, JToken?>
            {
                ["ablation"] = _ablation.Name,
                ["metric"] = metricKey,
                ["seed"] = s.Seed,
                ["prompts"] = dataset.Prompts.Count,
                ["random_subsets"] = completeness ? s.RandomSubsets : null,
                ["greedy_steps"] = completeness ? s.GreedySteps : null,
                ["scrub_mode"] = scrubbing ? s.ScrubMode.ToString().ToLowerInvariant() : null,
                ["scrub_draws"] = scrubbing ? s.Draws : null,
                ["scrub_budget"] = scrubbing ? s.ScrubBudget : null,
                ["scrub_batch"] = scrubbing ? s.ScrubBatch : null,
                ["bootstrap_resamples"] = scrubbing ? s.BootstrapSamples : null,
            },
        };

        using var noGrad = TorchSharp.torch.no_grad();
        if (request.Circuit is { } circuit)
        {
            record = VerifyCircuit(record, circuit, request.Truth, loaded, dataset, metric, progress, timings, clock);
        }

        var scrubs = new List<HypothesisScrub>();
        var scrubbers = new Dictionary<GraphLevel, CausalScrubber>();
        try
        {
            foreach (var path in request.Hypotheses)
            {
                var h = HypothesisReader.Read(path, dataset, GraphFor);
                if (!scrubbers.TryGetValue(h.Graph.Level, out var scrubber))
                {
                    scrubbers[h.Graph.Level] = scrubber = new CausalScrubber(loaded.Model, h.Graph, dataset);
                }

                var options = new ScrubOptions
                {
                    Mode = s.ScrubMode,
                    Draws = s.Draws,
                    Budget = s.ScrubBudget,
                    BootstrapSamples = s.BootstrapSamples,
                    Seed = s.Seed,
                    BatchSize = s.ScrubBatch,
                };
                string phase = $"scrub {h.Name}";
                progress?.Report(new VerificationProgress(phase, "draw 0", 0));
                var result = scrubber.Run(h, options, Phase(progress, phase, p => ($"draw {p.Done}/{p.Total}", (double)p.Done / p.Total)));
                progress?.Report(new VerificationProgress(phase, "done", 1));
                scrubs.Add(new HypothesisScrub(path, h.Edges.Count, result));
            }
        }
        finally
        {
            foreach (var scrubber in scrubbers.Values)
            {
                scrubber.Dispose();
            }
        }

        timings["scrubbing"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        timings["total"] = clock.Elapsed.TotalSeconds;
        return record with { Scrubbing = scrubs, Timings = timings };
    }

    /// <summary>
    /// A positional circuit on the task's own position groups (every position of its prompts, or its word labels and
    /// <c>other</c>): a file's groups may be fewer (a list names only the groups it uses); an edge at a group the task
    /// lacks is bad input naming the edge and the task's groups.
    /// </summary>
    private static CircuitFile OnTaskPositions(CircuitFile file, TaskDataset dataset)
    {
        if (file.Graph.Positions is not { } given || TaskPositions.For(given.Mode, dataset) is not { } task || task.Equals(given))
        {
            return file;
        }

        var graph = ComputeGraph.Build(file.Graph.Shape, file.Graph.Level, task);
        Edge Moved(Edge e)
        {
            try
            {
                return graph.ParseEdge(e.Id); // an unknown group is refused naming the nearest valid edge
            }
            catch (GraphIdException x)
            {
                throw new BadInputException($"{file.Path}: task '{dataset.Name}' has {task}: {x.Message}", x);
            }
        }

        return file with
        {
            Graph = graph,
            Circuit = new Circuit(file.Circuit.Edges.Select(Moved)),
            Scores = file.Scores?.ToDictionary(kv => Moved(kv.Key), kv => kv.Value),
        };
    }

    private VerificationRecord VerifyCircuit(
        VerificationRecord record, CircuitFile file, CircuitFile? truthFile, LoadedModel loaded, TaskDataset dataset, IMetric metric,
        IProgress<VerificationProgress>? progress, Dictionary<string, double> timings, Stopwatch clock)
    {
        file = OnTaskPositions(file, dataset);
        var graph = file.Graph;
        using var batch = TaskPositions.Batch(dataset, graph.Positions);
        using var patcher = new EdgePatcher(
            loaded.Model, graph, new PatchingInput(batch.Clean, batch.AttentionMask, batch.ReadPositions, batch.PositionGroups), _ablation, batch.Corrupt, seed: Settings.Seed);
        var evaluator = new CircuitEvaluator(patcher, metric, batch.Answers, batch.WrongAnswers);
        var circuitMetric = evaluator.ExactMetricOf([file.Circuit])[0];
        double faithfulness = evaluator.FaithfulnessOf([file.Circuit])[0];
        record = record with
        {
            CircuitFile = file.Path,
            CircuitFormat = file.Format,
            Faithfulness = new FaithfulnessResult(
                file.Circuit.Count, file.Circuit.Nodes(graph).Count, graph.Edges.Count, evaluator.CleanMetric, evaluator.AblatedMetric, circuitMetric, faithfulness),
        };
        timings["faithfulness"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        if (file.Scores is { } scores)
        {
            const string phase = "faithfulness curve";
            progress?.Report(new VerificationProgress(phase, "0 budgets", 0));
            var curve = FaithfulnessCurve.Evaluate(evaluator, scores, null, Phase(progress, phase, p => ($"{p.Done}/{p.Total} budgets", (double)p.Done / p.Total)));
            progress?.Report(new VerificationProgress(phase, "done", 1));
            record = record with { Curve = curve };
            timings["curve"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        }

        if (Settings.Completeness)
        {
            const string phase = "completeness and minimality";
            var options = new SubsetSearchOptions { RandomSubsets = Settings.RandomSubsets, GreedySteps = Settings.GreedySteps, Seed = Settings.Seed };
            progress?.Report(new VerificationProgress(phase, "completeness", 0));
            var complete = CompletenessMinimality.Completeness(evaluator, file.Circuit, options);
            var minimal = CompletenessMinimality.Minimality(
                evaluator, file.Circuit, options, Phase(progress, phase, p => ($"minimality {p.Done}/{p.Total} nodes", 0.2 + (0.8 * p.Done / p.Total))));
            progress?.Report(new VerificationProgress(phase, "done", 1));
            record = record with { Completeness = complete, Minimality = minimal };
            timings["completeness_minimality"] = clock.Elapsed.TotalSeconds - timings.Values.Sum();
        }

        if (truthFile is not null)
        {
            var truth = CircuitProjection.Project(truthFile.Circuit, truthFile.Graph, graph); // e.g. a q/k/v-level truth for a head-level circuit
            record = record with
            {
                TruthFile = truthFile.Path,
                Truth =
                [
                    GroundTruthComparison.Edges(graph, file.Circuit, truth, file.Scores),
                    GroundTruthComparison.Nodes(graph, file.Circuit, truth, file.Scores),
                ],
            };
        }

        return record;
    }

    /// <summary>Maps a step's (done, total) progress onto the run's progress in <paramref name="phase"/>.</summary>
    private static IProgress<(int Done, int Total)>? Phase(IProgress<VerificationProgress>? progress, string phase, Func<(int Done, int Total), (string Step, double Fraction)> map) =>
        progress is null ? null : new MappedProgress(p =>
        {
            var (step, fraction) = map(p);
            progress.Report(new VerificationProgress(phase, step, fraction));
        });

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

    /// <summary>Reports on the calling thread (never the thread pool: see the CLI's SynchronousProgress for why).</summary>
    private sealed class MappedProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
