using System.Globalization;
using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Patching.Diff;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>training-diff</c> [6.49–6.58, 5.18]: the model diff (<see cref="ModelDiff"/>) between two checkpoints of one run
/// (<c>--from</c>, <c>--to</c>; the default family's phase change, <c>step_512</c> → <c>step_1024</c>, else its first and
/// last) on repeated random tokens and the family's task: where the later model wins (the positions where its
/// log-probability of the next token is most above the earlier's), and which components recover its advantage when
/// patched from it into the earlier model. Claims: the later model wins on the text, and the head that recovers most of
/// its advantage is an induction head in the later model (induction score at least the category's 0.3).
/// </summary>
public sealed class TrainingDiffStudy : IStudy
{
    public const string DefaultFrom = "step_512";
    public const string DefaultTo = "step_1024";
    private const double InductionHead = 0.3;

    public string Name => "training-diff";

    public string Description => "The model diff between two checkpoints of a run: where the later model wins, and which components recover its advantage when patched in.";

    public string SeedProblems => "6.49–6.58, 5.18";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "the later checkpoint wins: its mean log-probability of the next token on the text is higher",
        $"the head that recovers most of the later checkpoint's advantage when patched in is an induction head there (induction score at least {InductionHead})",
    ];

    public StudyDefaults Defaults { get; } = new(null, "zoo:attn-only-2l", null, 16);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string familySpec = context.FamilySpec;
        var family = context.Family();
        bool isDefault = familySpec == Defaults.Family;
        var from = Member(family, context.Given.From ?? (isDefault ? DefaultFrom : family.Entries[0].Name), "--from");
        var to = Member(family, context.Given.To ?? (isDefault ? DefaultTo : family.Entries[^1].Name), "--to");
        if (from == to)
        {
            throw new BadInputException($"--from and --to: both name {from.Name}; give two different checkpoints");
        }

        using var a = context.LoadModel(from.Source, "earlier", StudyContext.MemberName(familySpec, from.Source, from.Name));
        using var b = context.LoadModel(to.Source, "later", StudyContext.MemberName(familySpec, to.Source, to.Name));
        var config = b.Model.Config;
        int span = RepeatedTokens.Span(Math.Min(a.Model.Config.NCtx, config.NCtx), Math.Min(a.Model.Config.DVocab, config.DVocab));
        using var text = RepeatedTokens.Make(1, span, Math.Min(a.Model.Config.DVocab, config.DVocab), context.Seed);
        var tokens = text.data<long>().Select(t => (int)t).ToList();
        string? taskName = context.Given.Task ?? from.TaskHint;
        var tasks = taskName is null ? [] : new[] { context.LoadTask(b, taskName) };
        var options = new ModelDiffOptions { Tokenizer = b.Tokenizer, Tasks = tasks, NameA = from.Name, NameB = to.Name, Top = context.N };
        var report = context.Time("diff", () => ModelDiff.Compare(a.Model, b.Model, tokens, options));
        var textDiff = report.Text!;
        context.Step(
            "diff the checkpoints",
            $"mean log p of the next token {HeadGrid.Cell(textDiff.MeanLogProbA)} ({from.Name}) → {HeadGrid.Cell(textDiff.MeanLogProbB)} ({to.Name})",
            ("earlier", from.Name), ("later", to.Name), ("text", $"a random span of {span} tokens repeated once (seed {context.Seed})"),
            ("top positions", options.Top), ("tasks", taskName ?? "none"));
        context.Table(new StudyTable(
            $"Where {to.Name} wins most (log p of the actual next token)",
            ["position", "next token", from.Name, to.Name, "difference"],
            textDiff.Positions.OrderByDescending(p => p.Difference).ThenBy(p => p.Position).Take(options.Top).Select(p => (IReadOnlyList<string>)
            [
                p.Position.ToString(CultureInfo.InvariantCulture), p.NextTokenText, HeadGrid.Cell(p.LogProbA), HeadGrid.Cell(p.LogProbB), HeadGrid.Cell(p.Difference),
            ]).ToList()));
        foreach (var task in report.Tasks)
        {
            context.Step(
                $"task {task.Name}",
                $"{task.Metric} {HeadGrid.Cell(task.MetricA)} → {HeadGrid.Cell(task.MetricB)}, accuracy {HeadGrid.Cell(task.AccuracyA)} → {HeadGrid.Cell(task.AccuracyB)}",
                ("prompts", task.Prompts), ("metric", task.Metric));
        }

        context.Plot(new StudyPlot("log-prob-by-position", "Log-probability of the next token by position", Curves: new StudyCurves(
            "position", "log p", textDiff.Positions.Select(p => p.Position.ToString(CultureInfo.InvariantCulture)).ToList(),
            [new StudySeries(from.Name, textDiff.Positions.Select(p => p.LogProbA).ToList()), new StudySeries(to.Name, textDiff.Positions.Select(p => p.LogProbB).ToList())])));
        context.Claim(StudyClaim.Above(
            "later-wins", ClaimStatements[0], textDiff.MeanDifference, 0,
            $"mean log p_{to.Name} − log p_{from.Name} over {textDiff.Positions.Count} positions"));

        if (report.Inside?.Patching is not { } patching)
        {
            context.Note($"no inside diff: {report.InsideRefused ?? report.Inside?.Note ?? "no patching"}");
            return;
        }

        context.Step(
            "patch the later checkpoint's components into the earlier",
            $"advantage {HeadGrid.Cell(patching.Advantage)} nats on positions {string.Join(", ", patching.Positions)}; top recovery {patching.Components[0].Component} ({HeadGrid.Cell(patching.Components[0].Recovery)})",
            ("positions", "where the later checkpoint beats the earlier most"), ("components", "every head (hook_result), MLP and residual stream"));
        context.Table(new StudyTable(
            "Components by the share of the advantage they recover",
            ["component", "kind", "recovery"],
            patching.Components.Select(c => (IReadOnlyList<string>)[c.Component, c.Kind, HeadGrid.Cell(c.Recovery)]).ToList()));
        var recovery = new double[config.NLayers, config.NHeads];
        foreach (var h in patching.Heads)
        {
            recovery[h.Layer, h.Head!.Value] = h.Recovery;
        }

        context.Plot(new StudyPlot("head-recovery", "Share of the advantage each head recovers when patched in", HeadGrid.Map("recovery", $"{to.Name} into {from.Name}: recovery per head", recovery, "recovery")));
        var detection = context.Time("detect", () => DetectionRun.Run(b, HeadDetectorCatalog.Select(["induction"]), new DetectorOptions { Seed = context.Seed }));
        var top = patching.Heads[0];
        double score = HeadGrid.Column(detection, "induction")[top.Layer, top.Head!.Value];
        context.Claim(StudyClaim.AtLeast(
            "top-recovery-is-induction", ClaimStatements[1], score, InductionHead,
            $"{HeadGrid.Name(top.Layer, top.Head.Value)} recovers {HeadGrid.Cell(top.Recovery)} of the advantage; its induction score in {to.Name}"));
    }

    private static FamilyEntry Member(ModelFamily family, string name, string option) =>
        family.Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new BadInputException($"{option} {name}: not a checkpoint of the family (did you mean {Suggest.Nearest(name, family.Names)}? have {string.Join(", ", family.Names)})");
}
