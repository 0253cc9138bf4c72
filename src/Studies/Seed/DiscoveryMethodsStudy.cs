using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Scrubbing.Verification;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>discovery-methods</c> [6.47]: ACDC, EAP, EAP-IG and the hybrid on the same task (zero ablation, logit difference:
/// the planted models' q/k edges carry only positions or a constant, which resample ablation cannot see). ACDC and the
/// hybrid select by threshold (<see cref="Threshold"/>); EAP and EAP-IG keep as many edges as the ground truth has (else
/// <see cref="RankedShare"/> of the edges). Reported: each pair's agreement (Jaccard of the edge sets), each method's
/// cost in forward-equivalents (a backward pass counted as two forwards) and, on planted models, precision, recall and
/// AUROC against the ground truth with the recall of each method's top-k edges as a curve. Claim (planted models): every
/// method recovers the planted circuit (AUROC of its edge scores ≥ 0.99).
/// </summary>
public sealed class DiscoveryMethodsStudy : IStudy
{
    public const double Threshold = 0.05;
    public const double RankedShare = 0.05;

    private static readonly string[] Methods = ["acdc", "eap", "eap-ig", "hybrid"];

    public string Name => "discovery-methods";

    public string Description => "ACDC, EAP, EAP-IG and the hybrid on one task: agreement, cost in forward-equivalents, and ROC against a planted ground truth.";

    public string SeedProblems => "6.47";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "on a planted model, every method recovers the planted circuit: the AUROC of its edge scores against the ground truth is at least 0.99 (one claim per method)",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:planted-ioi", null, null, 16);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var dataset = context.LoadTask(loaded, context.TaskName(ModelTask.Of(loaded) ?? "ioi"));
        var graph = ModelGraphOf(loaded);
        var truth = PlantedTruth.Of(loaded, graph);
        int keep = truth?.Count ?? Math.Max(1, (int)Math.Round(RankedShare * graph.Edges.Count));
        var records = new List<DiscoveryRecord>();
        foreach (var method in Methods)
        {
            bool ranking = method is "eap" or "eap-ig";
            var settings = new DiscoverySettings
            {
                Method = method, Metric = "logit-diff", Ablation = "zero", Seed = context.Seed,
                Threshold = ranking ? null : Threshold, TopK = ranking ? keep : null,
            };
            records.Add(context.Time(method, () => new DiscoveryRun(settings).Run(loaded, dataset)));
            context.Step(
                $"discover with {method}",
                $"{records[^1].Circuit.Count} edges, faithfulness {HeadGrid.Cell(records[^1].Faithfulness)}",
                ("method", method), ("metric", "logit-diff"), ("ablation", "zero"), (ranking ? "top-k" : "threshold", ranking ? keep : Threshold),
                ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("seed", context.Seed));
        }

        var agreement = new List<IReadOnlyList<string>>();
        for (int i = 0; i < Methods.Length; i++)
        {
            agreement.Add([Methods[i], .. records.Select(r => HeadGrid.Cell(Jaccard(records[i].Circuit, r.Circuit)))]);
        }

        context.Table(new StudyTable("Agreement between the circuits (Jaccard of the edge sets)", ["", .. Methods], agreement));
        var rows = new List<IReadOnlyList<string>>();
        var scores = new List<TruthScores?>();
        foreach (var (method, record) in Methods.Zip(records))
        {
            var s = truth is null ? null : GroundTruthComparison.Edges(graph, record.Circuit, truth, record.Scores);
            scores.Add(s);
            rows.Add([method, record.Circuit.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), HeadGrid.Cell(record.Faithfulness), HeadGrid.Cell(Cost(method, record)),
                HeadGrid.Cell(s?.Precision ?? double.NaN), HeadGrid.Cell(s?.Recall ?? double.NaN), HeadGrid.Cell(s?.Auroc ?? double.NaN)]);
        }

        context.Table(new StudyTable(
            truth is null ? "Methods (no ground truth for this model)" : $"Methods against the ground truth ({truth.Count} edges)",
            ["method", "edges", "faithfulness", "forward-equivalents", "precision", "recall", "AUROC"], rows));
        if (truth is null)
        {
            context.Note($"{loaded.Source} has no known circuit: the recovery claims need a planted model (zoo:planted-ioi, zoo:planted-induction).");
            return;
        }

        int depth = Math.Min(graph.Edges.Count, 3 * truth.Count);
        context.Plot(new StudyPlot("recall-at-k", "Recall of the ground truth among each method's top-k edges by |score|", Curves: new StudyCurves(
            "k", "recall", Enumerable.Range(1, depth).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            Methods.Zip(records).Select(m => new StudySeries(m.First, RecallAt(graph, m.Second, truth, depth))).ToList())));
        foreach (var (method, s) in Methods.Zip(scores))
        {
            context.Claim(StudyClaim.AtLeast(
                $"{method}-recovers", $"{method} recovers the planted circuit (AUROC of its edge scores at least 0.99)", s!.Auroc, 0.99,
                $"precision {HeadGrid.Cell(s.Precision)}, recall {HeadGrid.Cell(s.Recall)} of {truth.Count} planted edges"));
        }
    }

    /// <summary>Forward-equivalents: ACDC 2 + its exact tests; EAP 2 + one backward (2); EAP-IG 2 + 3 per step; the hybrid both.</summary>
    private static double Cost(string method, DiscoveryRecord record)
    {
        double steps = record.Details.TryGetValue("ig_steps", out var s) ? s : 5;
        return method switch
        {
            "acdc" => 2 + record.ExactTests,
            "eap" => 4,
            "eap-ig" => 2 + (3 * steps),
            _ => 2 + (3 * steps) + record.ExactTests,
        };
    }

    private static double Jaccard(Circuit a, Circuit b)
    {
        int union = a.Union(b).Count;
        return union == 0 ? 1 : (double)a.Intersect(b).Count / union;
    }

    private static IReadOnlyList<double> RecallAt(ComputeGraph graph, DiscoveryRecord record, Circuit truth, int depth)
    {
        var ranked = graph.Edges.OrderByDescending(e => Math.Abs(record.Scores.TryGetValue(e, out var v) ? v : 0)).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        return Enumerable.Range(1, depth).Select(k => (double)ranked.Take(k).Count(truth.Contains) / truth.Count).ToList();
    }

    private static ComputeGraph ModelGraphOf(CircuitFinder.Model.Loading.LoadedModel loaded) =>
        CircuitFinder.Patching.ModelGraph.Build(loaded.Model.Config, GraphLevel.Qkv);
}
