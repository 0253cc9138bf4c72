using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Graph.Heads;
using CircuitFinder.Reports.Wiki;
using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Measures;

namespace CircuitFinder.Studies.Seed;

/// <summary>
/// <c>head-wiki</c> [6.26]: the head-category wiki of a family (<c>--family</c>: checkpoints or a folder of models; or one
/// <c>--model</c>), written under <c>wiki/</c>, with a summary of each category: which heads of which model it holds.
/// Claim: the family's last model has an induction head (true of the default, whose run forms one).
/// </summary>
public sealed class HeadWikiStudy : IStudy
{
    public string Name => "head-wiki";

    public string Description => "The head-category wiki of a family, with a summary of each category's heads.";

    public string SeedProblems => "6.26";

    public IReadOnlyList<string> ClaimStatements { get; } =
    [
        "the family's last model has at least one head in the induction category",
    ];

    public StudyDefaults Defaults { get; } = new(null, "zoo:attn-only-2l", null, 32);

    public void Run(StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var family = context.Given.Model is { } model ? ModelFamily.FromModels([model], "--model") : context.Family();
        var detectors = HeadDetectorCatalog.All.Where(d => d.Name is not "ioi" and not "successor").ToList();
        foreach (var entry in family.Entries)
        {
            using var loaded = context.LoadModel(
                entry.Source, family.IsCheckpoints ? $"checkpoint {entry.Name}" : "model", context.Given.Model is null ? StudyContext.MemberName(context.FamilySpec, entry.Source, entry.Name) : null);
        }

        var options = new DetectorOptions { Seed = context.Seed, Sequences = context.N };
        var wiki = context.Time("wiki", () => WikiBuild.Scan(family, FamilyShard.All, detectors, options, null, null, context.LoadOptions));
        context.Step(
            "build the wiki",
            $"{wiki.Models.Count} models, {wiki.Categories.Count} categories; the site is in wiki/index.html",
            ("family", context.Given.Model ?? context.FamilySpec), ("detectors", string.Join(", ", detectors.Select(d => d.Name))), ("seed", context.Seed), ("sequences", context.N));
        foreach (var (path, bytes) in WikiSite.Render(wiki))
        {
            context.File($"wiki/{path}", bytes);
        }

        var rows = wiki.Categories.Select(category => (IReadOnlyList<string>)
        [
            category.Label, category.Rule,
            wiki.Models.All(m => Count(m, category.Label) == 0) ? "none"
                : string.Join("; ", wiki.Models.Where(m => Count(m, category.Label) > 0).Select(m => $"{m.Model}: {Heads(m, category.Label)}")),
        ]).ToList();
        context.Table(new StudyTable("Each category's heads, model by model", ["category", "rule", "heads (models with none left out)"], rows));
        var last = wiki.Models[^1];
        context.Plot(new StudyPlot("categories", "Heads per category, model by model", Curves: new StudyCurves(
            "model", "heads", wiki.Models.Select(m => m.Model).ToList(),
            wiki.Categories.Select(c => new StudySeries(c.Label, wiki.Models.Select(m => (double)Count(m, c.Label)).ToList())).Where(s => s.Values.Any(v => v > 0)).ToList())));
        context.Claim(StudyClaim.AtLeast(
            "last-has-induction", ClaimStatements[0], Count(last, "induction"), 1, $"{last.Model}: induction heads {Heads(last, "induction")}"));
    }

    private static int Count(WikiHeadTable table, string label) => table.Labels.Count(l => l.Contains(label));

    private static string Heads(WikiHeadTable table, string label)
    {
        var heads = Enumerable.Range(0, table.Labels.Count).Where(i => table.Labels[i].Contains(label))
            .Select(i => HeadGrid.Name(i / table.NHeads, i % table.NHeads)).ToList();
        return heads.Count == 0 ? "none" : string.Join(", ", heads);
    }
}
