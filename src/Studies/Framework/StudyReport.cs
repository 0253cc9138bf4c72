using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// The report of a study as one page (rendered to <c>report.md</c> and <c>report.html</c> by the wiki's writers, so the two
/// say the same): the claims with their numbers and verdicts first, then the inputs, the steps with their parameters,
/// the tables, the plots and the notes.
/// </summary>
public static class StudyReport
{
    public static Page Page(StudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var blocks = new List<Block>
        {
            Paragraph.Of($"{r.Description} Seed problems: {r.SeedProblems}. Seed: {r.Seed}."),
            new Heading(2, $"Claims ({r.Claims.Count(c => c.Passed)} of {r.Claims.Count} pass)"),
            new Table(
                ["claim", "statement", "measured", "threshold", "verdict", "evidence"],
                r.Claims.Select(c => Row(c.Id, c.Statement, StudyClaim.Format(c.Measured), $"{c.Comparison} {StudyClaim.Format(c.Threshold)}", c.Verdict, c.Evidence)).ToList()),
            new Heading(2, "Inputs"),
            new Table(["role", "source", "sha256"], r.Inputs.Select(i => Row(i.Role, i.Source, i.Sha256)).ToList()),
            new Heading(2, "Steps"),
            new Table(
                ["step", "parameters", "found"],
                r.Steps.Select(s => Row(s.Name, string.Join("; ", s.Parameters.Select(p => $"{p.Key} = {p.Value}")), s.Summary)).ToList()),
        };
        foreach (var table in r.Tables)
        {
            blocks.Add(new Heading(3, table.Title));
            blocks.Add(new Table(table.Headers, table.Rows.Select(row => (IReadOnlyList<Inline>)row.Select(cell => new Inline(cell)).ToList()).ToList()));
        }

        if (r.Plots.Count > 0)
        {
            blocks.Add(new Heading(2, "Plots"));
            foreach (var plot in r.Plots)
            {
                blocks.Add(Paragraph.Of(plot.Title));
                blocks.Add(new Image(StudyFolder.PlotPath(plot), plot.Title));
            }
        }

        if (r.Notes.Count > 0)
        {
            blocks.Add(new Heading(2, "Notes"));
            blocks.Add(new BulletList(r.Notes.Select(n => (IReadOnlyList<Inline>)[new Inline(n)]).ToList()));
        }

        return new Page($"Study {r.Study}", blocks);
    }

    private static IReadOnlyList<Inline> Row(params string[] cells) => cells.Select(c => new Inline(c)).ToList();
}
