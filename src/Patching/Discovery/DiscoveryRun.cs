using System.Diagnostics;
using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// One discovery run as a library service: checks the settings (throwing <see cref="BadInputException"/> naming the
/// option), then, on a loaded model and a task, builds the graph, the prompt batches and the context, runs the
/// algorithm (progress through <see cref="IProgress{T}"/>), measures the baselines (clean, everything ablated, the
/// circuit) and returns the tensor-free <see cref="DiscoveryRecord"/> that <c>circuit.json</c> is written from.
/// The constructor does the checks that need no model, so a caller can fail before loading one.
/// </summary>
public sealed class DiscoveryRun
{
    private readonly IAblation _ablation;

    public DiscoveryRun(DiscoverySettings settings)
    {
        Settings = settings;
        Algorithm = Catalog(() => DiscoveryCatalog.Create(settings.Method), "--method");
        _ablation = Catalog(() => AblationCatalog.Create(settings.Ablation), "--ablation");
        if (Algorithm.Traits.Selection == SelectionKind.ThresholdTest && (settings.Threshold is null || settings.TopK is not null || settings.BudgetPercent is not null))
        {
            throw new BadInputException($"--method {settings.Method} takes --threshold τ (and no --edges/--budget)");
        }

        int selections = (settings.Threshold is null ? 0 : 1) + (settings.TopK is null ? 0 : 1) + (settings.BudgetPercent is null ? 0 : 1);
        if (selections != 1)
        {
            throw new BadInputException($"--method {settings.Method} selects its circuit by exactly one of --threshold, --edges or --budget (got {selections})");
        }

        if (settings.TopK is < 0 || settings.BudgetPercent is <= 0 or > 100 || settings.Threshold is { } t && (double.IsNaN(t) || double.IsInfinity(t)))
        {
            throw new BadInputException("--edges must not be negative, --budget must be in (0, 100] and --threshold must be a finite number");
        }

        CheckRanges(settings, Algorithm);
        if (settings.Metric is { } metric)
        {
            Catalog(() => MetricCatalog.Create(metric), "--metric");
        }

        if (settings.BatchSize is <= 0)
        {
            throw new BadInputException($"--batch must be a positive number of prompts, got {settings.BatchSize}");
        }

        if (settings.ScreenFraction is <= 0 or > 1 || double.IsNaN(settings.ScreenFraction) || settings.ScreenMinimum < 1 || settings.ScreenMaximum is < 1)
        {
            throw new BadInputException(
                $"--screen must be a fraction in (0, 1], --screen-min and --screen-max at least 1 edge, got {settings.ScreenFraction.ToString(CultureInfo.InvariantCulture)}, {settings.ScreenMinimum} and {settings.ScreenMaximum}");
        }

        if (settings.CheckpointEvery <= 0)
        {
            throw new BadInputException($"--checkpoint-every must be positive, got {settings.CheckpointEvery}");
        }

        if (settings.Resume && settings.Restart)
        {
            throw new BadInputException("--resume and --restart: choose one");
        }

        if (settings.CheckpointPath is { } checkpoint && !settings.Resume && !settings.Restart && File.Exists(checkpoint))
        {
            throw new BadInputException(
                $"{checkpoint}: an unfinished run's checkpoint is there; give --resume to continue it or --restart to discard it");
        }
    }

    public DiscoverySettings Settings { get; }

    public IDiscoveryAlgorithm Algorithm { get; }

    /// <summary>The metric key the run scores with on <paramref name="dataset"/>: the given one, the method's default, or the task's.</summary>
    public string MetricFor(TaskDataset dataset) => Settings.Metric ?? Algorithm.Traits.DefaultMetric ?? dataset.DefaultMetric;

    /// <summary>Discovers the circuit of <paramref name="dataset"/> in <paramref name="loaded"/>; timings cover setup and discovery.</summary>
    public DiscoveryRecord Run(LoadedModel loaded, TaskDataset dataset, IProgress<DiscoveryProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var s = Settings;
        string metricKey = MetricFor(dataset);
        var metric = Catalog(() => MetricCatalog.Create(metricKey), "--metric");
        var options = new DiscoveryOptions
        {
            Threshold = s.Threshold,
            TopK = s.TopK,
            BudgetPercent = s.BudgetPercent,
            IgSteps = s.IgSteps,
            HybridScreenFraction = s.ScreenFraction,
            HybridScreenMinimum = s.ScreenMinimum,
            HybridScreenMaximum = s.ScreenMaximum,
            HybridAdaptive = !s.FixedScreen,
            CheckpointPath = Algorithm.Traits.Checkpoints ? s.CheckpointPath : null,
            CheckpointEvery = s.CheckpointEvery,
            Resume = s.Resume,
            Fingerprint = Fingerprint(loaded, dataset),
        };
        if (s.Resume && s.CheckpointPath is { } resumeFrom && AcdcCheckpoint.Load(resumeFrom) is { } saved)
        {
            var differences = AcdcCheckpoint.Differences(saved.Fingerprint, options.Fingerprint);
            if (!Algorithm.Traits.Checkpoints || differences.Count > 0)
            {
                throw new BadInputException(
                    $"{resumeFrom}: a checkpoint of another run ({(Algorithm.Traits.Checkpoints ? string.Join("; ", differences) : $"--method {Algorithm.Name} keeps no checkpoints")}); give --restart to discard it");
            }
        }

        var config = loaded.Model.Config;
        var positions = TaskPositions.For(s.Positions, dataset);
        using var batch = TaskPositions.Batch(dataset, positions);
        var graph = ModelGraph.Build(config, s.Level, positions);
        using var noGrad = TorchSharp.torch.no_grad();
        long keep = Algorithm.Traits.Selection == SelectionKind.ThresholdTest ? PromptBatches.DefaultKeepBytes : 0; // ranking: one pass, nothing kept
        using var batches = PromptBatches.Create(loaded.Model, graph, batch, _ablation, s.BatchSize, s.Seed, keep);
        var context = new DiscoveryContext(loaded.Model, batches, metric, options);
        timings["setup"] = clock.Elapsed.TotalSeconds;

        var result = Algorithm.Discover(context, progress);
        timings["discover"] = clock.Elapsed.TotalSeconds - timings["setup"];

        var baselines = context.MetricOf([[], graph.Edges.ToList(), graph.Edges.Where(e => !result.Circuit.Contains(e)).ToList()]);
        timings["total"] = clock.Elapsed.TotalSeconds;
        var record = new DiscoveryRecord
        {
            ToolVersion = ToolVersion,
            Model = new ModelRecord(loaded.Source, loaded.WeightsSha256, loaded.Layout, ConfigJson.ToTransformerLens(config)),
            Task = new TaskRecord(dataset.Name, dataset.ContentHash, dataset.Prompts.Count, metricKey),
            Method = Algorithm.Name,
            Parameters = new Dictionary<string, JToken?>
            {
                ["threshold"] = s.Threshold,
                ["edges"] = s.TopK,
                ["budget_percent"] = s.BudgetPercent,
                ["ablation"] = _ablation.Name,
                ["level"] = GraphLevels.Name(s.Level),
                ["positions"] = GraphPositions.Name(s.Positions),
                ["metric"] = metricKey,
                ["seed"] = s.Seed,
                ["prompts"] = dataset.Prompts.Count,
                ["prepend_bos"] = dataset.PrependedBos, // text prompts of a task file: BOS prepended (null: no text prompts)
                ["batch"] = s.BatchSize ?? dataset.Prompts.Count,
                ["ig_steps"] = Algorithm.Traits.UsesIgSteps ? s.IgSteps : null,
                ["screen_fraction"] = Algorithm.Traits.UsesScreenFraction ? s.ScreenFraction : null,
                ["screen_minimum"] = Algorithm.Traits.UsesScreenFraction ? s.ScreenMinimum : null,
                ["screen_maximum"] = Algorithm.Traits.UsesScreenFraction ? s.ScreenMaximum : null,
                ["screen_fixed"] = Algorithm.Traits.UsesScreenFraction ? s.FixedScreen : null,
            },
            Graph = graph,
            Circuit = result.Circuit,
            Scores = result.Scores,
            CleanMetric = baselines[0],
            AblatedMetric = baselines[1],
            CircuitMetric = baselines[2],
            ExactTests = result.ExactTests,
            Details = result.Details,
            Certificate = result.Certificate,
            Timings = timings,
        };
        return record with { Warnings = DiscoveryWarnings.For(record, Algorithm.Traits) };
    }

    /// <summary>The version every report records (the libraries and the command share it).</summary>
    public static string ToolVersion => typeof(DiscoveryRun).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Identifies the run on <paramref name="loaded"/> and <paramref name="dataset"/> (model weights, task, method, every
    /// parameter that changes the result) as <c>key=value</c> pairs joined by <c>|</c>: a checkpoint of another run is
    /// never resumed, and the keys that differ are named.
    /// </summary>
    public string Fingerprint(LoadedModel loaded, TaskDataset dataset) => string.Join('|', new (string Key, object? Value)[]
    {
        ("model weights sha256", loaded.WeightsSha256),
        ("task content hash", dataset.ContentHash),
        ("method", Settings.Method),
        ("metric", MetricFor(dataset)),
        ("ablation", Settings.Ablation),
        ("level", GraphLevels.Name(Settings.Level)),
        ("seed", Settings.Seed),
        ("batch", Settings.BatchSize),
        ("threshold", Settings.Threshold?.ToString("R", CultureInfo.InvariantCulture)),
        ("ig steps", Settings.IgSteps),
        ("screen fraction", Settings.ScreenFraction.ToString("R", CultureInfo.InvariantCulture)),
        ("screen minimum", Settings.ScreenMinimum),
        ("screen maximum", Settings.ScreenMaximum),
        ("fixed screen", Settings.FixedScreen),
    }.Concat(Settings.Positions == PositionMode.None ? [] : [("positions", (object?)GraphPositions.Name(Settings.Positions))]).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));

    /// <summary>Option values a method would fail on later (NaN budgets, non-positive IG steps, a screen outside (0, 1]).</summary>
    private static void CheckRanges(DiscoverySettings s, IDiscoveryAlgorithm algorithm)
    {
        if (s.BudgetPercent is { } budget && !(budget is > 0 and <= 100))
        {
            throw new BadInputException($"--budget must be a percentage in (0, 100], got {budget}");
        }

        if (algorithm.Traits.UsesIgSteps && s.IgSteps <= 0)
        {
            throw new BadInputException($"--ig-steps must be a positive number of integration steps, got {s.IgSteps}");
        }

        if (algorithm.Traits.UsesScreenFraction && !(s.ScreenFraction is > 0 and <= 1))
        {
            throw new BadInputException($"--screen must be a fraction in (0, 1], got {s.ScreenFraction}");
        }
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
