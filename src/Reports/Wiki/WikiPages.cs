using System.Globalization;
using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>Builds the wiki's pages (index, one per model, one per category) as <see cref="Page"/>s.</summary>
public static class WikiPages
{
    public static Page Index(WikiFamily family, IReadOnlyList<string> slugs, IReadOnlyDictionary<string, string> curves, IReadOnlyList<string> categorySlugs)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(categorySlugs);
        var columns = family.Models.SelectMany(WikiSite.PlottedColumns).Distinct().ToList();
        var blocks = new List<Block>
        {
            Paragraph.Of(family.IsCheckpoints
                ? $"{family.Models.Count} checkpoints of one training run, scored by every head detector."
                : $"{family.Models.Count} models, scored by every head detector."),
            new Heading(2, "Models"),
            new Paragraph([new Inline("The best head for each score (its score in brackets). Full tables: "),
                Inline.File("heads.csv", "heads.csv"), new Inline(", "), Inline.File("heads.json", "heads.json"), new Inline(", "),
                Inline.File("composition.csv", "composition.csv"), new Inline(".")]),
            new Table(
                Steps(family, new[] { "model", "step", "layers × heads" }).Concat(columns).ToList(),
                family.Models.Select((t, m) => (IReadOnlyList<Inline>)Steps(family, new List<Inline>
                {
                    Inline.Link(t.Model, $"models/{slugs[m]}"),
                    new(t.Step?.ToString(CultureInfo.InvariantCulture) ?? string.Empty),
                    new($"{t.NLayers} × {t.NHeads}"),
                }).Concat(columns.Select(c => new Inline(Top(t, c)))).ToList()).ToList()),
            new Heading(2, "Categories"),
            new Table(
                ["category", "rule", "heads", "meaning"],
                family.Categories.Select((c, i) => (IReadOnlyList<Inline>)
                [
                    Inline.Link(c.Label, $"categories/{categorySlugs[i]}"),
                    new(c.Rule),
                    new(family.Models.Sum(t => t.Labels.Count(l => l.Contains(c.Label))).ToString(CultureInfo.InvariantCulture)),
                    new(c.Description),
                ]).ToList()),
        };
        if (family.IsCheckpoints)
        {
            blocks.Add(new Heading(2, "Training dynamics"));
            blocks.Add(Paragraph.Of("For each score, the largest rise of the best head's score between two consecutive checkpoints:"));
            blocks.Add(new BulletList(PhaseChange.Find(family.Models).Select(p => (IReadOnlyList<Inline>)
            [
                new(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Column}: {p.FromScore:F3} at step {p.FromStep} → {p.ToScore:F3} at step {p.ToStep} ({p.Head})")),
            ]).ToList()));
            foreach (var (column, path) in curves)
            {
                blocks.Add(new Image(path, $"{column} of every head against training step"));
            }
        }

        if (family.ColumnDescriptions.Count > 0)
        {
            blocks.Add(new Heading(2, "Scores"));
            blocks.Add(new BulletList(family.ColumnDescriptions.Select(d => (IReadOnlyList<Inline>)[new Inline($"{d.Key}: {d.Value}")]).ToList()));
        }

        return new Page(family.Title, blocks);
    }

    public static Page Model(WikiFamily family, WikiHeadTable table, IReadOnlyDictionary<string, string> heatMaps)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = WikiSite.PlottedColumns(table).ToList();
        var blocks = new List<Block>
        {
            new Paragraph([Inline.Link("index", "../index"), new Inline(
                $" · {table.NLayers} layers × {table.NHeads} heads" + (table.Step is { } s ? $" · step {s}" : string.Empty))]),
            new Heading(2, "Heads"),
            new Table(
                new[] { "head" }.Concat(columns).Append("categories").ToList(),
                Enumerable.Range(0, table.NLayers * table.NHeads).Select(i => (IReadOnlyList<Inline>)new List<Inline>
                {
                    new(WikiHeadTable.HeadName(i / table.NHeads, i % table.NHeads)),
                }.Concat(columns.Select(c => new Inline(Format(table.Score(c, i)))))
                 .Append(new Inline(string.Join(", ", table.Labels[i])))
                 .ToList()).ToList()),
            new Heading(2, "Heat maps"),
        };
        blocks.AddRange(heatMaps.Select(h => new Image("../" + h.Value, $"{h.Key} over layer and head")));
        if (table.Pairs.Count > 0)
        {
            blocks.Add(new Heading(2, "Composition"));
            blocks.Add(Paragraph.Of("The strongest pairs of each mode, beside the mean score of random matrices of the same shapes."));
            blocks.Add(new Table(
                ["mode", "sender", "receiver", "score", "random baseline"],
                table.Pairs.GroupBy(p => p.Mode).SelectMany(g => g.OrderByDescending(p => p.Score).Take(5)).Select(p => (IReadOnlyList<Inline>)
                [
                    new(p.Mode), new(p.Sender), new(p.Receiver), new(Format(p.Score)),
                    new(Format(table.Baselines.TryGetValue($"{p.Mode}-composition", out var b) ? b : null)),
                ]).ToList()));
        }

        if (table.Examples.Count > 0)
        {
            blocks.Add(new Heading(2, "Example inputs"));
            blocks.Add(new BulletList(table.Examples.Select(e => (IReadOnlyList<Inline>)new List<Inline> { new($"{e.Key}: ") }
                .Concat(e.Value.SelectMany((t, i) => i == 0 ? new[] { Inline.Tokens(t) } : [new Inline(" "), Inline.Tokens(t)])).ToList()).ToList()));
        }

        if (table.Notes.Count > 0)
        {
            blocks.Add(new Heading(2, "Notes"));
            blocks.Add(new BulletList(table.Notes.Select(n => (IReadOnlyList<Inline>)[new Inline(n)]).ToList()));
        }

        return new Page($"{family.Title}: {table.Model}", blocks);
    }

    public static Page Category(WikiFamily family, WikiCategory category, IReadOnlyList<string> slugs)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(category);
        var rows = new List<IReadOnlyList<Inline>>();
        for (int m = 0; m < family.Models.Count; m++)
        {
            var table = family.Models[m];
            for (int i = 0; i < table.Labels.Count; i++)
            {
                if (table.Labels[i].Contains(category.Label))
                {
                    rows.Add(Steps(family, new List<Inline>
                    {
                        Inline.Link(table.Model, $"../models/{slugs[m]}"),
                        new(table.Step?.ToString(CultureInfo.InvariantCulture) ?? string.Empty),
                        new(WikiHeadTable.HeadName(i / table.NHeads, i % table.NHeads)),
                        new((i / table.NHeads).ToString(CultureInfo.InvariantCulture)),
                        new(Format(table.Score(category.Column, i))),
                    }));
                }
            }
        }

        return new Page($"{family.Title}: {category.Label} heads", new List<Block>
        {
            new Paragraph([Inline.Link("index", "../index"), new Inline($" · rule: {category.Rule} · {category.Description}")]),
            rows.Count == 0 ? Paragraph.Of("No head of this family is in this category.") : new Table(Steps(family, new[] { "model", "step", "head", "layer", category.Column }), rows),
        });
    }

    /// <summary>A table row or header with its second cell, the step, kept only for a family of checkpoints.</summary>
    private static List<T> Steps<T>(WikiFamily family, IEnumerable<T> cells) =>
        family.IsCheckpoints ? cells.ToList() : cells.Where((_, i) => i != 1).ToList();

    private static string Top(WikiHeadTable table, string column)
    {
        int best = -1;
        for (int i = 0; i < table.NLayers * table.NHeads; i++)
        {
            if (table.Score(column, i) is { } v && (best < 0 || v > table.Score(column, best)!.Value))
            {
                best = i;
            }
        }

        return best < 0 ? string.Empty : $"{WikiHeadTable.HeadName(best / table.NHeads, best % table.NHeads)} ({Format(table.Score(column, best))})";
    }

    private static string Format(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "–";
}
