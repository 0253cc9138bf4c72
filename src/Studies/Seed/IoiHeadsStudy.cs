using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>ioi-heads</c> [6.24, 3.18]: on a model with an IOI task (the zoo's <c>toy-ioi</c> by default), the name movers,
/// negative name movers and S-inhibition heads (the <c>ioi</c> detector's categories), each with its path-patching
/// evidence — the share of the clean − corrupted gap carried by its path to the logits (movers) or to the movers'
/// queries (S-inhibition) — beside the roles of GPT-2 small's IOI circuit (Wang et al. 2022). Claim: the model has a
/// name mover whose path to the logits carries at least a tenth of the gap.
/// </summary>
public sealed class IoiHeadsStudy : IStudy
{
    public const double Evidence = 0.1;

    /// <summary>GPT-2 small's IOI circuit (Wang et al. 2022, figure 2 and section 3), by role.</summary>
    public static IReadOnlyList<(string Role, string Heads)> Gpt2Roles { get; } =
    [
        ("name-mover", "L9H6, L9H9, L10H0"),
        ("negative-name-mover", "L10H7, L11H10"),
        ("s-inhibition", "L7H3, L7H9, L8H6, L8H10"),
        ("backup name mover", "L9H0, L9H7, L10H1, L10H2, L10H6, L10H10, L11H2, L11H9"),
        ("induction", "L5H5, L5H8, L5H9, L6H9"),
        ("duplicate-token", "L0H1, L0H10, L3H0"),
        ("previous-token", "L2H2, L4H11"),
    ];

    public string Name => "ioi-heads";

    public string Description => "Name movers, negative name movers and S-inhibition heads with their path-patching evidence, beside GPT-2's IOI circuit.";

    public string SeedProblems => "6.24, 3.18";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        $"the model has a name mover: a head the ioi detector labels name-mover whose path to the logits carries at least {Evidence} of the clean − corrupted gap",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:toy-ioi", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        string task = context.TaskName(ModelTask.Of(loaded) ?? "ioi");
        var dataset = context.LoadTask(loaded, task);
        var options = new DetectorOptions { Seed = context.Seed, IoiTask = task, IoiPrompts = context.N };
        var table = context.Time("detect", () => DetectionRun.Run(loaded, HeadDetectorCatalog.Select(["ioi"]), options));
        if (table.Column("name-mover") is null || table.Column("name-mover")!.Values.All(v => v is null))
        {
            throw new BadInputException($"--task {task}: the ioi detector does not apply ({string.Join("; ", table.Notes)})");
        }

        var config = loaded.Model.Config;
        var heads = Enumerable.Range(0, config.NLayers * config.NHeads).Select(i => (Layer: i / config.NHeads, Head: i % config.NHeads)).ToList();
        List<(int Layer, int Head)> Labelled(string label) => heads.Where(h => table.Labels[(h.Layer * config.NHeads) + h.Head].Contains(label)).ToList();
        var movers = Labelled("name-mover");
        var negative = Labelled("negative-name-mover");
        var inhibition = Labelled("s-inhibition");
        context.Step(
            "detect IOI heads",
            $"name movers {List(movers)}; negative name movers {List(negative)}; S-inhibition {List(inhibition)}",
            ("detector", "ioi"), ("task", task), ("prompts", options.IoiPrompts), ("seed", context.Seed), ("labels", "the wiki's category rules (HeadCategories)"));

        using var run = new TaskRun(loaded.Model, dataset);
        var fallback = HeadGrid.Ranked(HeadGrid.Column(table, "name-mover"))[0];
        var receivers = movers.Count > 0 ? movers : [(fallback.Layer, fallback.Head)];
        var moverQueries = receivers.Select(m => new PathReceiver(m.Layer, m.Head, QkvChannel.Q)).ToList();
        var rows = new List<IReadOnlyList<string>>();
        var moverEffects = new List<double>();
        context.Time("path patching", () =>
        {
            foreach (var (role, list) in new[] { ("name-mover", movers), ("negative-name-mover", negative), ("s-inhibition", inhibition) })
            {
                foreach (var h in list)
                {
                    bool toLogits = role != "s-inhibition";
                    bool reaches = toLogits || moverQueries.All(r => r.Layer > h.Layer);
                    double effect = reaches ? run.PathEffect(h.Layer, h.Head, toLogits ? run.Logits : moverQueries) : double.NaN;
                    if (role == "name-mover")
                    {
                        moverEffects.Add(effect);
                    }

                    rows.Add([role, HeadGrid.Name(h.Layer, h.Head), HeadGrid.Cell(table.Column(role)!.At(h.Layer, h.Head, config.NHeads) ?? double.NaN),
                        toLogits ? "logits" : "name movers' queries", HeadGrid.Cell(effect)]);
                }
            }

            return 0;
        });
        context.Step(
            "path patching",
            $"{rows.Count} heads patched on {dataset.Prompts.Count} prompts ({run.Metric.Name}: clean {HeadGrid.Cell(run.Clean)}, corrupted {HeadGrid.Cell(run.Corrupted)})",
            ("task", dataset.Name), ("metric", run.Metric.Name), ("effect", "(m_clean − m_patched) / (m_clean − m_corrupt)"));
        context.Table(new StudyTable("IOI heads and their path-patching evidence", ["role", "head", "detector score", "path to", "path effect"], rows));
        context.Table(new StudyTable(
            "Compared with GPT-2 small (Wang et al. 2022)",
            ["role", "this model", "GPT-2 small"],
            Gpt2Roles.Select(r => (IReadOnlyList<string>)[r.Role, r.Role switch
            {
                "name-mover" => List(movers),
                "negative-name-mover" => List(negative),
                "s-inhibition" => List(inhibition),
                _ => "not measured",
            }, r.Heads]).ToList()));
        string[] columns = ["io-attention", "name-mover", "s-inhibition"];
        context.Table(new StudyTable(
            "Every head's IOI scores (name-mover: the head's direct logit attribution to IO − S as a share of the model's; a name mover also attends END → IO)",
            ["head", .. columns, "categories"],
            heads.Select(h => (IReadOnlyList<string>)
            [
                HeadGrid.Name(h.Layer, h.Head), .. columns.Select(c => HeadGrid.Cell(table.Column(c)!.At(h.Layer, h.Head, config.NHeads) ?? double.NaN)),
                string.Join(", ", table.Labels[(h.Layer * config.NHeads) + h.Head]),
            ]).ToList()));
        if (movers.Count == 0)
        {
            context.Note("No head is labelled name-mover: the category needs a name-mover score of at least 0.1 and attention from END to IO of at least 0.3 (HeadCategories); see the scores above for which part is missing.");
        }

        foreach (var column in columns)
        {
            context.Plot(new StudyPlot(column, $"{column} score per head", HeadGrid.Map(column, $"{loaded.Source}: {column}", HeadGrid.Column(table, column), column)));
        }

        double best = moverEffects.Count == 0 ? double.NaN : moverEffects.Max();
        int evidenced = moverEffects.Count(e => e >= Evidence);
        context.Claim(StudyClaim.AtLeast(
            "has-name-mover", ClaimStatements[0], evidenced, 1,
            $"{movers.Count} heads labelled name-mover; {evidenced} with a path effect ≥ {Evidence} (largest {HeadGrid.Cell(best)})"));
    }

    private static string List(IReadOnlyList<(int Layer, int Head)> heads) =>
        heads.Count == 0 ? "none" : string.Join(", ", heads.Select(h => HeadGrid.Name(h.Layer, h.Head)));
}
