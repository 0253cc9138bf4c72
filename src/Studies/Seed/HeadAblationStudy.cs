using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;
using static TorchSharp.torch;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>head-ablation</c> [1.12]: every head mean- and zero-ablated alone on text (the model's own kind: repeated-span token
/// streams for the zoo), the loss increases ranked, and the heads that matter (at least a tenth of the largest increase)
/// which are not induction heads (induction score below 0.2). Claim: mean and zero ablation rank the heads alike (Spearman ≥ 0.5).
/// </summary>
public sealed class HeadAblationStudy : IStudy
{
    private const double MattersShare = 0.1;
    private const double InductionHead = 0.2;

    public string Name => "head-ablation";

    public string Description => "Every head ablated alone (mean and zero) on text; the ranked loss increases and the heads that matter which are not induction heads.";

    public string SeedProblems => "1.12";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "mean and zero ablation rank the heads alike by loss increase (Spearman rank correlation at least 0.5)",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:attn-only-2l", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var config = loaded.Model.Config;
        int span = RepeatedTokens.Span(config.NCtx, config.DVocab);
        using var scope = NewDisposeScope();
        var tokens = RepeatedTokens.Make(context.N, span, config.DVocab, context.Seed);
        using var ablation = new HeadAblation(loaded.Model, tokens, null, logits => RepeatedTokens.LossAll(logits, tokens));
        var mean = context.Time("mean ablation", () => ablation.EveryHead(HeadAblationKind.Mean));
        var zero = context.Time("zero ablation", () => ablation.EveryHead(HeadAblationKind.Zero));
        var meanIncrease = HeadGrid.Minus(mean, ablation.Clean);
        var zeroIncrease = HeadGrid.Minus(zero, ablation.Clean);
        context.Step(
            "ablate every head alone",
            $"clean loss {HeadGrid.Cell(ablation.Clean)}; largest increase {HeadGrid.Cell(HeadGrid.Ranked(meanIncrease)[0].Value)} (mean), {HeadGrid.Cell(HeadGrid.Ranked(zeroIncrease)[0].Value)} (zero)",
            ("text", $"{context.N} random spans of {span} tokens, each repeated once"), ("seed", context.Seed), ("ablations", "mean (per position over the batch), zero; hook_z"));

        var table = context.Time("detect", () => DetectionRun.Run(loaded, HeadDetectorCatalog.Select(["induction"]), new DetectorOptions { Seed = context.Seed }));
        var induction = HeadGrid.Column(table, "induction");
        var ranked = HeadGrid.Ranked(meanIncrease);
        double top = ranked[0].Value;
        var matters = ranked.Where(r => r.Value >= MattersShare * top && r.Value > 0).ToList();
        var notInduction = matters.Where(r => !(induction[r.Layer, r.Head] >= InductionHead)).ToList();
        context.Step(
            "name the heads that matter",
            notInduction.Count == 0
                ? "every head that matters is an induction head"
                : $"heads that matter and are not induction heads: {string.Join(", ", notInduction.Select(r => HeadGrid.Name(r.Layer, r.Head)))}",
            ("matters", $"mean-ablation increase ≥ {MattersShare} × the largest"), ("induction head", $"induction score ≥ {InductionHead}"));
        context.Table(new StudyTable(
            "Heads by loss increase (mean ablation)",
            ["head", "mean ablation", "zero ablation", "induction score", "matters", "induction head"],
            ranked.Select(r => (IReadOnlyList<string>)
            [
                HeadGrid.Name(r.Layer, r.Head), HeadGrid.Cell(r.Value), HeadGrid.Cell(zeroIncrease[r.Layer, r.Head]), HeadGrid.Cell(induction[r.Layer, r.Head]),
                matters.Contains(r) ? "yes" : "no", induction[r.Layer, r.Head] >= InductionHead ? "yes" : "no",
            ]).ToList()));
        context.Plot(new StudyPlot("mean-ablation", "Loss increase, mean ablation", HeadGrid.Map("mean", $"{loaded.Source}: loss increase, mean ablation", meanIncrease, "nats")));
        context.Plot(new StudyPlot("zero-ablation", "Loss increase, zero ablation", HeadGrid.Map("zero", $"{loaded.Source}: loss increase, zero ablation", zeroIncrease, "nats")));
        double rho = RankCorrelation.Spearman(RankCorrelation.Flat(meanIncrease), RankCorrelation.Flat(zeroIncrease));
        context.Claim(StudyClaim.AtLeast("ablations-rank-alike", ClaimStatements[0], rho, 0.5, $"Spearman ρ over {config.NLayers * config.NHeads} heads"));
    }
}
