using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;
using static TorchSharp.torch;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>head-detectors</c> [6.18, 6.19]: previous-token and duplicate-token detection, each validated by ablation: the top
/// head of each detector is mean-ablated and the behaviour that depends on it measured on repeated random tokens — the
/// in-context (second-half) loss, which needs the previous token (to find where a token came before) and the
/// duplicate token (to see that it came before). Claims: ablating the detected head raises that loss at least twice
/// as much as ablating the other heads of its layer does on average.
/// </summary>
public sealed class HeadDetectorsStudy : IStudy
{
    public string Name => "head-detectors";

    public string Description => "Previous-token and duplicate-token detection, each validated by the effect of ablating the detected head on the behaviour it names.";

    public string SeedProblems => "6.18, 6.19";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "ablating the top previous-token head raises the in-context loss at least 2× as much as the other heads of its layer on average",
        "ablating the top duplicate-token head raises the in-context loss at least 2× as much as the other heads of its layer on average",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:attn-only-2l", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var config = loaded.Model.Config;
        string[] detectors = ["previous-token", "duplicate-token"];
        var table = context.Time("detect", () => DetectionRun.Run(loaded, HeadDetectorCatalog.Select(detectors), new DetectorOptions { Seed = context.Seed }));
        int span = RepeatedTokens.Span(config.NCtx, config.DVocab);
        using var scope = NewDisposeScope();
        var tokens = RepeatedTokens.Make(context.N, span, config.DVocab, context.Seed);
        using var ablation = new HeadAblation(loaded.Model, tokens, null, logits => RepeatedTokens.Loss(logits, tokens, secondHalf: true));
        var effects = context.Time("ablate", () => HeadGrid.Minus(ablation.EveryHead(HeadAblationKind.Mean), ablation.Clean));
        context.Step(
            "detect and ablate",
            $"in-context (second-half) loss {HeadGrid.Cell(ablation.Clean)} clean",
            ("detectors", string.Join(", ", detectors)), ("seed", context.Seed), ("sequences", context.N), ("span", span), ("ablation", "mean (hook_z)"));
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (detector, index) in detectors.Select((d, i) => (d, i)))
        {
            var scores = HeadGrid.Column(table, detector);
            var top = HeadGrid.Ranked(scores)[0];
            double own = effects[top.Layer, top.Head];
            var others = Enumerable.Range(0, config.NHeads).Where(h => h != top.Head).Select(h => effects[top.Layer, h]).ToList();
            double peers = others.Count == 0 ? double.NaN : others.Average();
            double ratio = peers <= 0 ? (own > 0 ? double.PositiveInfinity : double.NaN) : own / peers;
            rows.Add([detector, HeadGrid.Name(top.Layer, top.Head), HeadGrid.Cell(top.Value), HeadGrid.Cell(own), HeadGrid.Cell(peers), HeadGrid.Cell(ratio)]);
            context.Plot(new StudyPlot($"{detector}-scores", $"{detector} score per head", HeadGrid.Map(detector, $"{loaded.Source}: {detector} score", scores, detector, 0, 1)));
            context.Claim(StudyClaim.AtLeast(
                $"{detector}-validated", ClaimStatements[index], ratio, 2,
                $"{HeadGrid.Name(top.Layer, top.Head)} (score {HeadGrid.Cell(top.Value)}) raises the loss by {HeadGrid.Cell(own)}; the other heads of layer {top.Layer} by {HeadGrid.Cell(peers)} on average"));
        }

        context.Table(new StudyTable("Detected heads and the effect of ablating them", ["detector", "top head", "score", "loss increase", "layer's other heads (mean)", "ratio"], rows));
        context.Plot(new StudyPlot("ablation", "In-context loss increase when each head is mean-ablated", HeadGrid.Map("ablation", $"{loaded.Source}: in-context loss increase", effects, "nats")));
    }
}
