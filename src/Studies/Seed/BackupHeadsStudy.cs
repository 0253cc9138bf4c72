using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Graph.Views;
using CircuitFinder.Patching.Views;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>backup-heads</c> [2.19, 2.24]: the top name mover (the <c>ioi</c> detector's) resample-ablated from the corrupted
/// prompts. Its direct effect is what its path to the logits carries (path patching); its total effect is what ablating
/// it costs. When the total effect is smaller, other heads compensate: the one whose direct logit attribution rises
/// most under the ablation is named the backup. Claim: another head compensates (total effect below the direct effect).
/// </summary>
public sealed class BackupHeadsStudy : IStudy
{
    public string Name => "backup-heads";

    public string Description => "Ablate the top name mover: its direct and total effect on the logit difference, and which head compensates.";

    public string SeedProblems => "2.19, 2.24";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "another head compensates: ablating the top name mover lowers the logit difference by less than its direct effect",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:toy-ioi", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        string task = context.TaskName(ModelTask.Of(loaded) ?? "ioi");
        var dataset = context.LoadTask(loaded, task);
        var table = context.Time("detect", () => DetectionRun.Run(
            loaded, HeadDetectorCatalog.Select(["ioi"]), new DetectorOptions { Seed = context.Seed, IoiTask = task, IoiPrompts = context.N }));
        if (table.Top("name-mover") is not { } top)
        {
            throw new BadInputException($"--task {task}: the ioi detector does not apply ({string.Join("; ", table.Notes)})");
        }

        string mover = HeadGrid.Name(top.Layer, top.Head);
        using var run = new TaskRun(loaded.Model, dataset, "logit-diff");
        double gap = run.Clean - run.Corrupted;
        double direct = context.Time("path patching", () => run.PathEffect(top.Layer, top.Head, run.Logits)) * gap;
        double ablated = run.Ablation.Ablated(HeadAblationKind.Resample, (top.Layer, top.Head));
        double total = run.Clean - ablated;
        context.Step(
            "direct and total effect",
            $"{mover}: direct effect {HeadGrid.Cell(direct)}, total effect {HeadGrid.Cell(total)} (logit difference {HeadGrid.Cell(run.Clean)} → {HeadGrid.Cell(ablated)})",
            ("head", mover), ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("metric", "logit-diff"),
            ("direct", "path patching from the corrupted prompts to the logits"), ("total", "resample ablation from the corrupted prompts (hook_z)"));

        var clean = context.Time("attribution", () => LensView.ForTask(loaded.Model, dataset, loaded.Source).Heads);
        ViewMap ablatedHeads;
        using (run.Ablation.Attach(HeadAblationKind.Resample, (top.Layer, top.Head)))
        {
            ablatedHeads = LensView.ForTask(loaded.Model, dataset, loaded.Source).Heads;
        }

        var config = loaded.Model.Config;
        var change = new double[config.NLayers, config.NHeads];
        var rows = new List<IReadOnlyList<string>>();
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                change[l, h] = (l, h) == (top.Layer, top.Head) ? double.NaN : ablatedHeads[l, h] - clean[l, h];
                rows.Add([HeadGrid.Name(l, h), HeadGrid.Cell(clean[l, h]), HeadGrid.Cell(ablatedHeads[l, h]), HeadGrid.Cell(change[l, h])]);
            }
        }

        var backup = HeadGrid.Ranked(change)[0];
        string backupName = HeadGrid.Name(backup.Layer, backup.Head);
        context.Step(
            "find the compensating head",
            backup.Value > 0 ? $"{backupName}'s direct logit attribution rises most, by {HeadGrid.Cell(backup.Value)}" : "no other head's direct logit attribution rises",
            ("attribution", "direct logit attribution per head, clean and with the mover ablated"));
        context.Table(new StudyTable($"Direct logit attribution per head, clean and with {mover} ablated", ["head", "clean", "ablated", "change"], rows));
        context.Plot(new StudyPlot("dla-change", $"Change of each head's direct logit attribution with {mover} ablated", HeadGrid.Map("change", $"{loaded.Source}: DLA change with {mover} ablated", change, "logit difference")));
        context.Plot(new StudyPlot("effects", "Direct and total effect of the top name mover", Curves: new StudyCurves(
            "effect", "logit difference", ["direct", "total"], [new StudySeries(mover, [direct, total])])));
        double ratio = direct == 0 ? double.NaN : total / direct;
        context.Claim(StudyClaim.Below(
            "compensated", ClaimStatements[0], ratio, 1,
            $"total / direct = {HeadGrid.Cell(total)} / {HeadGrid.Cell(direct)}; the head that compensates most: {backupName} (+{HeadGrid.Cell(backup.Value)})"));
    }

}
