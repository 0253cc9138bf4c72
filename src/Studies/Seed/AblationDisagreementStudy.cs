using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;
using CircuitFinder.Tasks;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>ablation-disagreement</c> [6.8]: zero, mean and resample (the task's corrupted prompts) ablation of every head on a
/// task, each head's effect on the task's metric, and the heads where the three disagree: opposite signs, or one more
/// than twice another in size (among heads whose largest effect is at least a tenth of the largest of all). Claim: the
/// three ablations agree on which head matters most.
/// </summary>
public sealed class AblationDisagreementStudy : IStudy
{
    private const double Floor = 0.1;

    public string Name => "ablation-disagreement";

    public string Description => "Zero, mean and resample ablation of every head on a task; the heads where they disagree (sign, or more than 2× in size).";

    public string SeedProblems => "6.8";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "zero, mean and resample ablation name the same head as the one that matters most",
    ];

    public StudyDefaults Defaults { get; } = new("zoo:toy-ioi", null, null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var loaded = context.LoadModel();
        var dataset = context.LoadTask(loaded, context.TaskName(Measures.ModelTask.Of(loaded)));
        var metric = MetricCatalog.Create(dataset.DefaultMetric);
        using var batch = TaskBatch.From(dataset);
        using var function = new TaskMetricFunction(loaded.Model, batch, metric);
        using var ablation = new HeadAblation(loaded.Model, batch.Clean, batch.AttentionMask, function.Evaluate, batch.Corrupt);
        var kinds = new[] { HeadAblationKind.Zero, HeadAblationKind.Mean, HeadAblationKind.Resample };
        var effects = context.Time("ablate", () => kinds.Select(k => HeadGrid.Minus(ablation.EveryHead(k), ablation.Clean)).ToList());
        context.Step(
            "ablate every head three ways",
            $"clean {metric.Name} {HeadGrid.Cell(ablation.Clean)}",
            ("task", dataset.Name), ("prompts", dataset.Prompts.Count), ("metric", metric.Name), ("seed", context.Seed),
            ("ablations", "zero; mean over the prompts per position; resample from the corrupted prompts (hook_z)"));

        var config = loaded.Model.Config;
        double largest = effects.Max(e => e.Cast<double>().Max(Math.Abs));
        var rows = new List<IReadOnlyList<string>>();
        var disagree = new List<string>();
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                var e = effects.Select(x => x[l, h]).ToArray();
                string why = Disagreement(e, largest);
                if (why.Length > 0)
                {
                    disagree.Add(HeadGrid.Name(l, h));
                }

                rows.Add([HeadGrid.Name(l, h), HeadGrid.Cell(e[0]), HeadGrid.Cell(e[1]), HeadGrid.Cell(e[2]), why.Length > 0 ? why : "agree"]);
            }
        }

        context.Step(
            "compare the ablations",
            disagree.Count == 0 ? "the three agree on every head" : $"they disagree on {string.Join(", ", disagree)}",
            ("disagree", "opposite signs, or one more than 2× another in size"), ("floor", $"heads whose largest effect is ≥ {Floor} × the largest of all"));
        context.Table(new StudyTable($"Effect of ablating each head on {metric.Name} (ablated − clean)", ["head", "zero", "mean", "resample", "verdict"], rows));
        foreach (var (kind, grid) in kinds.Zip(effects))
        {
            string name = kind.ToString().ToLowerInvariant();
            context.Plot(new StudyPlot($"{name}-ablation", $"Effect of {name} ablation", HeadGrid.Map(name, $"{loaded.Source}: {name} ablation, {metric.Name} change", grid, metric.Name)));
        }

        var tops = effects.Select(grid => HeadGrid.Ranked(Abs(grid))[0]).Select(t => HeadGrid.Name(t.Layer, t.Head)).ToList();
        bool same = tops.Distinct().Count() == 1;
        context.Claim(StudyClaim.AtLeast("same-top-head", ClaimStatements[0], same ? 1 : 0, 1, $"largest |effect|: zero {tops[0]}, mean {tops[1]}, resample {tops[2]}"));
    }

    /// <summary>Why the three effects disagree (empty when they agree or are all too small to compare).</summary>
    private static string Disagreement(double[] e, double largest)
    {
        if (e.Max(Math.Abs) < Floor * largest)
        {
            return string.Empty;
        }

        if (e.Any(x => x > 0) && e.Any(x => x < 0))
        {
            return "sign";
        }

        double big = e.Max(Math.Abs), small = e.Min(Math.Abs);
        return big > 2 * small ? "size > 2×" : string.Empty;
    }

    private static double[,] Abs(double[,] grid)
    {
        var result = (double[,])grid.Clone();
        for (int l = 0; l < result.GetLength(0); l++)
        {
            for (int h = 0; h < result.GetLength(1); h++)
            {
                result[l, h] = Math.Abs(result[l, h]);
            }
        }

        return result;
    }
}
