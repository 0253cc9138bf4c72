using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;
using static TorchSharp.torch;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>induction-heads</c> [3.16, 6.20]: the loss on the first and second half of repeated random tokens, every head's
/// induction and previous-token score, and the second-half loss with the top induction head mean-ablated. Claims: the
/// second half's loss is lower (in-context learning), and ablating the top head removes most (≥ half) of that gain.
/// </summary>
public sealed class InductionHeadsStudy : IStudy
{
    public string Name => "induction-heads";

    public string Description => "Loss on repeated random tokens, induction scores, and the loss when the top induction head is ablated.";

    public string SeedProblems => "3.16, 6.20";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "the loss on the repeated (second) half is lower than on the first half",
        "mean-ablating the top induction head removes at least half of that gain",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:attn-only-2l", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var config = loaded.Model.Config;
        int span = RepeatedTokens.Span(config.NCtx, config.DVocab);
        using var scope = NewDisposeScope();
        var tokens = RepeatedTokens.Make(context.N, span, config.DVocab, context.Seed); // [n, 2·span]
        double SecondHalf(Tensor logits) => RepeatedTokens.Loss(logits, tokens, secondHalf: true);
        double first, second;
        using (no_grad())
        {
            var logits = loaded.Model.Forward(tokens.to(loaded.Model.Device)); // [n, 2·span, v]
            first = RepeatedTokens.Loss(logits, tokens, secondHalf: false);
            second = RepeatedTokens.Loss(logits, tokens, secondHalf: true);
        }

        context.Step(
            "loss on repeated random tokens",
            $"first half {HeadGrid.Cell(first)}, second half {HeadGrid.Cell(second)} (gain {HeadGrid.Cell(first - second)} nats)",
            ("sequences", context.N), ("span", span), ("seed", context.Seed));

        var table = context.Time("detect", () => DetectionRun.Run(
            loaded, HeadDetectorCatalog.Select(["previous-token", "induction"]), new DetectorOptions { Seed = context.Seed }));
        var induction = HeadGrid.Column(table, "induction");
        var previous = HeadGrid.Column(table, "previous-token");
        var ranked = HeadGrid.Ranked(induction);
        var top = ranked[0];
        context.Step(
            "induction and previous-token scores",
            $"top induction head {HeadGrid.Name(top.Layer, top.Head)} ({HeadGrid.Cell(top.Value)})",
            ("detectors", "previous-token, induction"), ("seed", context.Seed), ("sequences", DetectorOptions.Default.Sequences));
        context.Table(new StudyTable(
            "Heads by induction score",
            ["head", "induction", "previous-token"],
            ranked.Select(r => (IReadOnlyList<string>)[HeadGrid.Name(r.Layer, r.Head), HeadGrid.Cell(r.Value), HeadGrid.Cell(previous[r.Layer, r.Head])]).ToList()));
        context.Plot(new StudyPlot("induction-scores", "Induction score per head", HeadGrid.Map("induction", $"{loaded.Source}: induction score", induction, "induction", 0, 1)));
        context.Plot(new StudyPlot("previous-token-scores", "Previous-token score per head", HeadGrid.Map("previous-token", $"{loaded.Source}: previous-token score", previous, "previous-token", 0, 1)));

        using var ablation = new HeadAblation(loaded.Model, tokens, null, SecondHalf);
        double ablated = context.Time("ablate", () => ablation.Ablated(HeadAblationKind.Mean, (top.Layer, top.Head)));
        double gain = first - second;
        double removed = gain == 0 ? double.NaN : (ablated - second) / gain;
        context.Step(
            "ablate the top induction head",
            $"second-half loss {HeadGrid.Cell(second)} → {HeadGrid.Cell(ablated)} with {HeadGrid.Name(top.Layer, top.Head)} mean-ablated ({HeadGrid.Cell(removed * 100)}% of the gain removed)",
            ("head", HeadGrid.Name(top.Layer, top.Head)), ("ablation", "mean over the batch, per position (hook_z)"));
        context.Plot(new StudyPlot("loss-by-half", "Loss on each half, clean and with the top induction head ablated", Curves: new StudyCurves(
            "half", "loss (nats)", ["first half", "second half"],
            [new StudySeries("clean", [first, second]), new StudySeries($"{HeadGrid.Name(top.Layer, top.Head)} ablated", [double.NaN, ablated])])));

        context.Claim(StudyClaim.Above(
            "second-half-lower", ClaimStatements[0], gain, 0, $"first-half loss {HeadGrid.Cell(first)} − second-half loss {HeadGrid.Cell(second)}"));
        context.Claim(StudyClaim.AtLeast(
            "top-head-carries-gain", ClaimStatements[1], removed, 0.5,
            $"(ablated second-half loss {HeadGrid.Cell(ablated)} − {HeadGrid.Cell(second)}) / gain {HeadGrid.Cell(gain)}, head {HeadGrid.Name(top.Layer, top.Head)}"));
    }
}
