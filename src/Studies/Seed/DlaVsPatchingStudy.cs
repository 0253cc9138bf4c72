using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>dla-vs-patching</c> [3.27, 6.2]: per head, direct logit attribution to the task's logit difference on the clean
/// prompts (<see cref="LensView"/>) against activation patching (<see cref="PatchingMap"/>, each head's corrupted
/// <c>hook_z</c> into the clean run: the logit difference lost). Lists where they disagree — opposite signs, or one more
/// than twice the other in size, among heads above a tenth of the largest — the cases where DLA misleads. Claim: the two
/// rank the heads alike (Spearman ≥ 0.5).
/// </summary>
public sealed class DlaVsPatchingStudy : IStudy
{
    private const double Floor = 0.1;

    public string Name => "dla-vs-patching";

    public string Description => "Direct logit attribution against activation patching per head; where they disagree (the cases where DLA misleads).";

    public string SeedProblems => "3.27, 6.2";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "direct logit attribution and activation patching rank the heads alike (Spearman rank correlation at least 0.5)",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:toy-ioi", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var dataset = context.LoadTask(loaded, context.TaskName(ModelTask.Of(loaded) ?? "ioi"));
        var dla = context.Time("attribution", () => LensView.ForTask(loaded.Model, dataset, loaded.Source).Heads);
        var patch = context.Time("patching", () => PatchingMap.Run(
            loaded.Model, loaded.Tokenizer, dataset, new LogitDifferenceMetric(), new PatchingMapOptions { What = "head-z", Denoise = false }, loaded.Source));
        var config = loaded.Model.Config;
        var attribution = new double[config.NLayers, config.NHeads];
        var effect = new double[config.NLayers, config.NHeads];
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                attribution[l, h] = dla[l, h];
                effect[l, h] = patch.CleanMetric - patch.Raw[l, h];
            }
        }

        context.Step(
            "attribute and patch",
            $"logit difference clean {HeadGrid.Cell(patch.CleanMetric)}, corrupted {HeadGrid.Cell(patch.CorruptMetric)}",
            ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("metric", "logit-diff"),
            ("attribution", "each head's direct logit attribution on the clean prompts"), ("patching", "each head's corrupted hook_z into the clean run, all positions"));
        double largest = Math.Max(attribution.Cast<double>().Max(Math.Abs), effect.Cast<double>().Max(Math.Abs));
        var rows = new List<IReadOnlyList<string>>();
        var misleading = new List<string>();
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                double a = attribution[l, h], e = effect[l, h];
                string why = Math.Max(Math.Abs(a), Math.Abs(e)) < Floor * largest ? string.Empty
                    : Math.Sign(a) != Math.Sign(e) ? "sign"
                    : Math.Max(Math.Abs(a), Math.Abs(e)) > 2 * Math.Min(Math.Abs(a), Math.Abs(e)) ? (Math.Abs(a) > Math.Abs(e) ? "DLA > 2× patching" : "patching > 2× DLA")
                    : string.Empty;
                if (why.Length > 0)
                {
                    misleading.Add($"{HeadGrid.Name(l, h)} ({why})");
                }

                rows.Add([HeadGrid.Name(l, h), HeadGrid.Cell(a), HeadGrid.Cell(e), why.Length > 0 ? why : "agree"]);
            }
        }

        context.Step(
            "compare",
            misleading.Count == 0 ? "DLA and patching agree on every head" : $"they disagree on {string.Join(", ", misleading)}",
            ("disagree", "opposite signs, or one more than 2× the other in size"), ("floor", $"{Floor} × the largest value"));
        context.Table(new StudyTable("Per head: direct logit attribution and the logit difference lost when patched", ["head", "DLA", "patching effect", "verdict"], rows));
        context.Plot(new StudyPlot("dla", "Direct logit attribution per head", HeadGrid.Map("dla", $"{loaded.Source}: direct logit attribution", attribution, "logit difference")));
        context.Plot(new StudyPlot("patching", "Activation-patching effect per head", HeadGrid.Map("patching", $"{loaded.Source}: logit difference lost when patched", effect, "logit difference")));
        double rho = RankCorrelation.Spearman(RankCorrelation.Flat(attribution), RankCorrelation.Flat(effect));
        context.Claim(StudyClaim.AtLeast("rank-alike", ClaimStatements[0], rho, 0.5, $"Spearman ρ over {config.NLayers * config.NHeads} heads; {misleading.Count} disagree"));
    }
}
