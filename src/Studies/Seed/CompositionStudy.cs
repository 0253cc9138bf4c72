using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>composition</c> [1.10, 6.11]: the Q-, K- and V-composition score of every pair of heads against the random
/// baseline of its mode, and path patching of every pair on a task (the sender's corrupted output into the receiver's
/// query, key or value alone). A pair is flagged when its score is at least <see cref="FlagRatio"/>× the baseline, and
/// confirmed when its path carries at least <see cref="ConfirmShare"/> of the clean − corrupted gap. Claim: the flagged
/// pairs are the ones path patching confirms (precision ≥ 0.5); recall is reported beside it.
/// </summary>
public sealed class CompositionStudy : IStudy
{
    public const double FlagRatio = 1.5;
    public const double ConfirmShare = 0.1;

    public string Name => "composition";

    public string Description => "Q/K/V-composition of every pair of heads against the random baseline, checked by path patching of each pair.";

    public string SeedProblems => "1.10, 6.11";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        $"the pairs whose composition score is at least {FlagRatio}× the random baseline are the ones path patching confirms (precision at least 0.5)",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:attn-only-2l", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var dataset = context.LoadTask(loaded, context.TaskName(ModelTask.Of(loaded) ?? "induction"));
        var table = context.Time("composition", () => DetectionRun.Run(loaded, HeadDetectorCatalog.Select(["composition"]), new DetectorOptions { Seed = context.Seed }));
        context.Step(
            "composition scores",
            $"{table.Pairs.Count} (pair, mode) scores; random baselines {string.Join(", ", table.Baselines.Select(b => $"{b.Key} {HeadGrid.Cell(b.Value)}"))}",
            ("seed", context.Seed), ("baseline samples", DetectorOptions.Default.BaselineSamples));
        using var run = new TaskRun(loaded.Model, dataset);
        var rows = context.Time("path patching", () => table.Pairs.Select(p =>
        {
            double baseline = table.Baselines[$"{p.Mode}-composition"];
            var channel = p.Mode switch { "q" => QkvChannel.Q, "k" => QkvChannel.K, _ => QkvChannel.V };
            double effect = run.PathEffect(p.SenderLayer, p.SenderHead, [new PathReceiver(p.ReceiverLayer, p.ReceiverHead, channel)]);
            return (Pair: p, Ratio: p.Score / baseline, Effect: effect);
        }).OrderByDescending(r => r.Ratio).ToList());
        var flagged = rows.Where(r => r.Ratio >= FlagRatio).ToList();
        var confirmed = rows.Where(r => Math.Abs(r.Effect) >= ConfirmShare).ToList();
        int both = flagged.Count(r => Math.Abs(r.Effect) >= ConfirmShare);
        double precision = flagged.Count == 0 ? double.NaN : (double)both / flagged.Count;
        double recall = confirmed.Count == 0 ? double.NaN : (double)both / confirmed.Count;
        context.Step(
            "path patching of every pair",
            $"{flagged.Count} flagged by score, {confirmed.Count} confirmed by path patching, {both} both: precision {HeadGrid.Cell(precision)}, recall {HeadGrid.Cell(recall)}",
            ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("metric", run.Metric.Name),
            ("flag", $"score ≥ {FlagRatio} × baseline"), ("confirm", $"|path effect| ≥ {ConfirmShare} of the clean − corrupted gap"));
        context.Table(new StudyTable(
            "Pairs by score over baseline",
            ["sender", "receiver", "mode", "score", "score / baseline", "path effect", "flagged", "confirmed"],
            rows.Select(r => (IReadOnlyList<string>)
            [
                HeadGrid.Name(r.Pair.SenderLayer, r.Pair.SenderHead), HeadGrid.Name(r.Pair.ReceiverLayer, r.Pair.ReceiverHead), r.Pair.Mode,
                HeadGrid.Cell(r.Pair.Score), HeadGrid.Cell(r.Ratio), HeadGrid.Cell(r.Effect), r.Ratio >= FlagRatio ? "yes" : "no", Math.Abs(r.Effect) >= ConfirmShare ? "yes" : "no",
            ]).ToList()));
        context.Plot(new StudyPlot("score-vs-path", "Pairs: composition score over baseline and path-patching effect, by rank", Curves: new StudyCurves(
            "pair (by score / baseline)", "value", rows.Select(r => $"{HeadGrid.Name(r.Pair.SenderLayer, r.Pair.SenderHead)}>{HeadGrid.Name(r.Pair.ReceiverLayer, r.Pair.ReceiverHead)}{r.Pair.Mode}").ToList(),
            [new StudySeries("score / baseline", rows.Select(r => r.Ratio).ToList()), new StudySeries("path effect", rows.Select(r => r.Effect).ToList())])));
        context.Claim(StudyClaim.AtLeast(
            "flagged-pairs-confirmed", ClaimStatements[0], precision, 0.5, $"{both} of {flagged.Count} flagged pairs confirmed (recall {both} of {confirmed.Count})"));
    }
}
