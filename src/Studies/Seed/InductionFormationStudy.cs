using System.Globalization;
using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;
using static TorchSharp.torch;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>induction-formation</c> [5.22, 5.12–5.14]: across the checkpoints of one run, every head's induction and
/// previous-token score, the K-composition of the pair (the last checkpoint's top previous-token head into its top
/// induction head) and the in-context loss gain on repeated random tokens. Claims: the best induction score rises as a
/// phase change (at least half of its whole rise between two adjacent checkpoints), and the pair's K-composition rises
/// with it, not after it (at least half of its rise done by the end of that interval).
/// </summary>
public sealed class InductionFormationStudy : IStudy
{
    public string Name => "induction-formation";

    public string Description => "Induction and previous-token scores, the pair's K-composition and the in-context loss across the checkpoints of one run.";

    public string SeedProblems => "5.22, 5.12–5.14";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "the best induction score rises as a phase change: at least half of its rise from the first to the last checkpoint happens between two adjacent checkpoints",
        "the K-composition of the previous-token head into the induction head rises with the induction score, not after it: at least half of its rise is done by the end of the induction score's jump",
    ];

    public StudyDefaults Defaults { get; } = new(null, "zoo:attn-only-2l", null, 16);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var family = context.Family();
        if (family.Entries.Count < 2)
        {
            throw new BadInputException($"--family {context.FamilySpec}: needs at least two checkpoints, found {family.Entries.Count}");
        }

        var detectors = HeadDetectorCatalog.Select(["previous-token", "induction", "composition"]);
        var tables = new List<HeadTable>();
        var gains = new List<double>();
        context.Time("checkpoints", () =>
        {
            foreach (var entry in family.Entries)
            {
                using var loaded = context.LoadModel(entry.Source, $"checkpoint {entry.Name}", StudyContext.MemberName(context.FamilySpec, entry.Source, entry.Name));
                tables.Add(DetectionRun.Run(loaded, detectors, new DetectorOptions { Seed = context.Seed }));
                gains.Add(InContextGain(loaded.Model, context));
            }

            return 0;
        });

        var labels = family.Entries.Select(e => e.Step?.ToString(CultureInfo.InvariantCulture) ?? e.Name).ToList();
        var last = tables[^1];
        var induction = HeadGrid.Ranked(HeadGrid.Column(last, "induction")).First(h => h.Layer > 0);
        var previous = HeadGrid.Ranked(HeadGrid.Column(last, "previous-token")).First(h => h.Layer < induction.Layer);
        string pair = $"{HeadGrid.Name(previous.Layer, previous.Head)} → {HeadGrid.Name(induction.Layer, induction.Head)}";
        var best = tables.Select(t => HeadGrid.Ranked(HeadGrid.Column(t, "induction"))[0].Value).ToList();
        var headInduction = tables.Select(t => HeadGrid.Column(t, "induction")[induction.Layer, induction.Head]).ToList();
        var headPrevious = tables.Select(t => HeadGrid.Column(t, "previous-token")[previous.Layer, previous.Head]).ToList();
        var composition = tables.Select(t => t.Pairs.First(p => p.Mode == "k" && p.SenderLayer == previous.Layer && p.SenderHead == previous.Head
            && p.ReceiverLayer == induction.Layer && p.ReceiverHead == induction.Head).Score).ToList();
        double baseline = last.Baselines.TryGetValue("k-composition", out var b) ? b : double.NaN;
        context.Step(
            "score every checkpoint",
            $"{family.Entries.Count} checkpoints; the pair at the last: {pair}",
            ("family", context.FamilySpec), ("detectors", "previous-token, induction, composition"), ("seed", context.Seed), ("loss sequences", context.N));

        int jump = Enumerable.Range(0, best.Count - 1).MaxBy(i => best[i + 1] - best[i]);
        double rise = best[^1] - best[0];
        double jumpShare = rise <= 0 ? double.NaN : (best[jump + 1] - best[jump]) / rise;
        double compositionRise = composition[^1] - composition[0];
        double compositionDone = compositionRise <= 0 ? double.NaN : (composition[jump + 1] - composition[0]) / compositionRise;
        context.Step(
            "find the phase change",
            $"the best induction score jumps {HeadGrid.Cell(best[jump])} → {HeadGrid.Cell(best[jump + 1])} between checkpoints {labels[jump]} and {labels[jump + 1]} ({HeadGrid.Cell(jumpShare * 100)}% of its rise)",
            ("score", "best induction score over heads"));
        context.Table(new StudyTable(
            $"By checkpoint (pair {pair}; K-composition random baseline {HeadGrid.Cell(baseline)})",
            ["checkpoint", "best induction", $"induction {HeadGrid.Name(induction.Layer, induction.Head)}", $"previous-token {HeadGrid.Name(previous.Layer, previous.Head)}", "K-composition", "in-context gain (nats)"],
            Enumerable.Range(0, labels.Count).Select(i => (IReadOnlyList<string>)
                [labels[i], HeadGrid.Cell(best[i]), HeadGrid.Cell(headInduction[i]), HeadGrid.Cell(headPrevious[i]), HeadGrid.Cell(composition[i]), HeadGrid.Cell(gains[i])]).ToList()));
        context.Plot(new StudyPlot("scores-by-checkpoint", "Scores by checkpoint", Curves: new StudyCurves(
            "checkpoint", "score", labels,
            [
                new StudySeries("best induction", best),
                new StudySeries($"previous-token {HeadGrid.Name(previous.Layer, previous.Head)}", headPrevious),
                new StudySeries($"K-composition {pair}", composition),
            ])));
        context.Plot(new StudyPlot("in-context-gain", "In-context loss gain (first-half minus second-half loss) by checkpoint", Curves: new StudyCurves(
            "checkpoint", "nats", labels, [new StudySeries("gain", gains)])));

        context.Claim(StudyClaim.AtLeast(
            "phase-change", ClaimStatements[0], jumpShare, 0.5,
            $"best induction score {HeadGrid.Cell(best[0])} at {labels[0]} → {HeadGrid.Cell(best[^1])} at {labels[^1]}; largest step {labels[jump]} → {labels[jump + 1]}"));
        context.Claim(StudyClaim.AtLeast(
            "composition-with-induction", ClaimStatements[1], compositionDone, 0.5,
            $"K-composition {pair}: {HeadGrid.Cell(composition[0])} at {labels[0]}, {HeadGrid.Cell(composition[jump + 1])} at {labels[jump + 1]}, {HeadGrid.Cell(composition[^1])} at {labels[^1]}"));
    }

    /// <summary>The first-half loss minus the second-half loss on repeated random tokens.</summary>
    private static double InContextGain(CircuitFinder.Model.HookedTransformer model, StudyContext context)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = RepeatedTokens.Make(context.N, RepeatedTokens.Span(model.Config.NCtx, model.Config.DVocab), model.Config.DVocab, context.Seed);
        var logits = model.Forward(tokens.to(model.Device));
        return RepeatedTokens.Loss(logits, tokens, secondHalf: false) - RepeatedTokens.Loss(logits, tokens, secondHalf: true);
    }
}
