using CircuitFinder.Graph.Results;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Scrubbing.Verification;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>circuit-check</c> [6.46]: discovers a circuit (ACDC, logit difference, threshold <see cref="Threshold"/>), then
/// verifies it: faithfulness, completeness (random and greedy subsets), minimality per node, and causal scrubbing of the
/// hypothesis that its edges carry the answer (<see cref="LabelHypothesis"/>) with a bootstrap interval on the loss
/// recovered. Claim: the circuit is faithful at the stated level (faithfulness ≥ <see cref="Level"/>).
/// </summary>
public sealed class CircuitCheckStudy : IStudy
{
    public const double Threshold = 0.05;
    public const double Level = 0.8;

    public string Name => "circuit-check";

    public string Description => "Discover a circuit, then faithfulness, completeness, minimality and causal scrubbing of its hypothesis, with intervals.";

    public string SeedProblems => "6.46";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        $"the discovered circuit is faithful at the stated level: faithfulness (share of the clean − ablated metric gap it keeps) at least {Level}",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:toy-ioi", null, null, 16);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var dataset = context.LoadTask(loaded, context.TaskName(ModelTask.Of(loaded) ?? "ioi"));
        var settings = new DiscoverySettings { Method = "acdc", Threshold = Threshold, Metric = "logit-diff", Seed = context.Seed };
        var found = context.Time("discover", () => new DiscoveryRun(settings).Run(loaded, dataset));
        context.Step(
            "discover",
            $"{found.Circuit.Count} of {found.Graph.Edges.Count} edges, faithfulness {HeadGrid.Cell(found.Faithfulness)}",
            ("method", settings.Method), ("threshold", Threshold), ("metric", settings.Metric), ("ablation", settings.Ablation), ("level", settings.Level),
            ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("seed", context.Seed));

        using var hypothesis = new LabelHypothesis(found.Circuit, found.Graph, "the discovered circuit carries the answer");
        var verification = new VerificationSettings { Metric = "logit-diff", Seed = context.Seed, RandomSubsets = 8, GreedySteps = 2, BootstrapSamples = 200, Draws = 4, ScrubBudget = 1024 };
        var circuitFile = new CircuitFile("(discovered)", "circuitfinder/circuit@1", found.Graph, found.Circuit, found.Scores);
        var verified = context.Time("verify", () => new VerificationRun(verification).Run(
            loaded, dataset, new VerificationRequest { Circuit = circuitFile, Truth = PlantedTruth.Of(loaded, found.Graph) is { } truth ? circuitFile with { Path = "(ground truth)", Circuit = truth, Scores = null } : null, Hypotheses = [hypothesis.Path] }));
        var faithfulness = verified.Faithfulness!;
        var rows = new List<IReadOnlyList<string>>
        {
            Row("faithfulness", faithfulness.Faithfulness, $"metric: clean {HeadGrid.Cell(faithfulness.CleanMetric)}, ablated {HeadGrid.Cell(faithfulness.AblatedMetric)}, circuit {HeadGrid.Cell(faithfulness.CircuitMetric)}"),
        };
        if (verified.Completeness is { } completeness)
        {
            rows.Add(Row("completeness: worst gap fraction", completeness.Worst.GapFraction, $"{completeness.Evaluated.Count} subsets ({completeness.RandomSubsets} random, {completeness.GreedySteps} greedy steps); worst: {string.Join(", ", completeness.Worst.Subset.Select(n => n.Id))} ({completeness.Worst.Origin})"));
        }

        if (verified.Minimality?.Least is { } least)
        {
            rows.Add(Row("minimality: least necessary node's drop fraction", least.DropFraction, $"{least.Node.Id}"));
        }

        foreach (var scrub in verified.Scrubbing)
        {
            var recovered = scrub.Result.LossRecovered;
            rows.Add(Row("causal scrubbing: loss recovered", recovered.Value, $"{verification.BootstrapSamples}-resample bootstrap interval [{HeadGrid.Cell(recovered.Low)}, {HeadGrid.Cell(recovered.High)}]; {scrub.Edges} edges, feature label"));
        }

        foreach (var truth in verified.Truth)
        {
            rows.Add(Row($"ground truth ({truth.Level}): recall", truth.Recall, $"precision {HeadGrid.Cell(truth.Precision)}, AUROC {HeadGrid.Cell(truth.Auroc)}"));
        }

        context.Step(
            "verify",
            $"faithfulness {HeadGrid.Cell(faithfulness.Faithfulness)}",
            ("metric", verification.Metric), ("ablation", verification.Ablation), ("random subsets", verification.RandomSubsets), ("greedy steps", verification.GreedySteps),
            ("bootstrap", verification.BootstrapSamples), ("scrub draws", verification.Draws), ("scrub budget", verification.ScrubBudget), ("hypothesis", "every circuit edge carries the label (the answer)"));
        context.Table(new StudyTable("Verification", ["check", "value", "details"], rows));
        context.Table(new StudyTable("The circuit", ["edge", "score"], found.Circuit.Ordered(found.Graph).Select(e => (IReadOnlyList<string>)[e.Id, HeadGrid.Cell(found.Scores[e])]).ToList()));
        if (verified.Curve is { } curve)
        {
            context.Plot(new StudyPlot("faithfulness-curve", "Faithfulness by edge budget (MIB curve)", Curves: new StudyCurves(
                "edges kept (share)", "faithfulness", curve.Points.Select(p => HeadGrid.Cell(p.Fraction)).ToList(), [new StudySeries("circuit", curve.Points.Select(p => p.Faithfulness).ToList())])));
        }

        context.Claim(StudyClaim.AtLeast("faithful", ClaimStatements[0], faithfulness.Faithfulness, Level, $"{found.Circuit.Count} edges; the metric kept {HeadGrid.Cell(faithfulness.CircuitMetric)} of clean {HeadGrid.Cell(faithfulness.CleanMetric)} over ablated {HeadGrid.Cell(faithfulness.AblatedMetric)}"));
    }

    private static IReadOnlyList<string> Row(string check, double value, string details) => [check, HeadGrid.Cell(value), details];
}
