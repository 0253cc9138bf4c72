using System.Text;
using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Renders a family into the wiki's files, as relative path → bytes: <c>index.md|html</c>, one page per model
/// (<c>models/SLUG</c>) and per category (<c>categories/SLUG</c>) in Markdown and HTML, <c>heads.csv</c>,
/// <c>heads.json</c>, <c>composition.csv</c>, heat maps <c>img/SLUG-COLUMN.png</c> and, for checkpoints,
/// <c>img/steps-COLUMN.png</c>. Every file name made from data (model names, category labels, score columns) is a
/// <see cref="SafeName"/> slug, collisions resolved; every label is escaped by the writer of its format. The same family
/// gives the same bytes.
/// </summary>
public static class WikiSite
{
    /// <summary>The command whose output a site folder is, as its output marker records it (<c>wiki</c> and <c>wiki merge</c> alike).</summary>
    public const string OutputKind = "wiki";

    /// <summary>Renders <paramref name="family"/> and writes the site to <paramref name="folder"/>, claimed as an <see cref="OutputFolder"/>.</summary>
    public static void Write(string folder, WikiFamily family)
    {
        using var output = OutputFolder.Claim(folder, OutputKind);
        Write(output, family);
    }

    /// <summary>Renders <paramref name="family"/> into <paramref name="output"/>'s staging folder and swaps it into place.</summary>
    public static void Write(OutputFolder output, WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var (path, bytes) in Render(family))
        {
            string file = output.File(path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }

        output.Commit();
    }

    public static IReadOnlyDictionary<string, byte[]> Render(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var slugs = Slugs(family.Models);
        var columnSlugs = ColumnSlugs(family);
        var categorySlugs = CategorySlugs(family);
        void Page(string path, Page page)
        {
            files[path + ".md"] = Utf8(MarkdownWriter.Write(page));
            files[path + ".html"] = Utf8(HtmlWriter.Write(page));
        }

        var heatMaps = new Dictionary<(int Model, string Column), string>();
        var scales = Scales(family);
        for (int m = 0; m < family.Models.Count; m++)
        {
            var table = family.Models[m];
            foreach (var column in PlottedColumns(table))
            {
                string path = $"img/{slugs[m]}-{columnSlugs[column]}.png";
                files[path] = WikiPlots.HeatMap(table, column, scales[column] with { Baseline = WikiPlots.Baseline(table, column) });
                heatMaps[(m, column)] = path;
            }
        }

        var curves = new Dictionary<string, string>();
        if (family.IsCheckpoints && family.Models.Count > 1)
        {
            foreach (var column in family.Models.SelectMany(PlottedColumns).Distinct())
            {
                string path = $"img/steps-{columnSlugs[column]}.png";
                files[path] = WikiPlots.StepCurves(family.Models, column);
                curves[column] = path;
            }
        }

        Page("index", WikiPages.Index(family, slugs, curves, categorySlugs));
        for (int m = 0; m < family.Models.Count; m++)
        {
            int model = m;
            var maps = heatMaps.Where(h => h.Key.Model == model).ToDictionary(h => h.Key.Column, h => h.Value);
            Page($"models/{slugs[m]}", WikiPages.Model(family, family.Models[m], maps));
        }

        for (int c = 0; c < family.Categories.Count; c++)
        {
            Page($"categories/{categorySlugs[c]}", WikiPages.Category(family, family.Categories[c], slugs));
        }

        files["heads.csv"] = Utf8(HeadTableCsv.Write(family.Models));
        files["heads.json"] = Utf8(JsonFiles.Format(WikiJson.WriteFamily(family)) + "\n");
        files["composition.csv"] = Utf8(CompositionCsv(family.Models));
        return files;
    }

    /// <summary>
    /// File-name-safe, unique slugs for the models, in order (e.g. <c>zoo:attn-only-2l</c> → <c>zoo-attn-only-2l</c>; see
    /// <see cref="SafeName"/>): a model name from a shard file can never name a path outside the site.
    /// </summary>
    public static IReadOnlyList<string> Slugs(IReadOnlyList<WikiHeadTable> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        return SafeName.Unique(models.Select(m => m.Model), "model");
    }

    /// <summary>File-name-safe, unique slugs for the category pages, in the categories' order.</summary>
    public static IReadOnlyList<string> CategorySlugs(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return SafeName.Unique(family.Categories.Select(c => c.Label), "category");
    }

    /// <summary>File-name-safe slugs, unique within the site, for the score columns that are plotted (heat maps, step curves).</summary>
    public static IReadOnlyDictionary<string, string> ColumnSlugs(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var columns = family.Models.SelectMany(PlottedColumns).Distinct().Order(StringComparer.Ordinal).ToList();
        return columns.Zip(SafeName.Unique(columns, "score")).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>Each plotted column's fixed colour scale (<see cref="ScoreScale"/>) over the whole family; the baseline is each model's own.</summary>
    public static IReadOnlyDictionary<string, ScoreScale> Scales(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return family.Models.SelectMany(PlottedColumns).Distinct().ToDictionary(
            c => c,
            c => ScoreScale.For(c, family.Models.SelectMany(t => Enumerable.Range(0, t.NLayers * t.NHeads).Select(i => t.Score(c, i)))),
            StringComparer.Ordinal);
    }

    /// <summary>The columns of a table that have at least one score.</summary>
    public static IEnumerable<string> PlottedColumns(WikiHeadTable table) =>
        table.Columns.Where((c, i) => table.Scores[i].Any(v => v is not null));

    private static string CompositionCsv(IReadOnlyList<WikiHeadTable> models)
    {
        var text = new StringBuilder("model,step,sender,receiver,mode,score,baseline\n");
        foreach (var table in models)
        {
            foreach (var pair in table.Pairs)
            {
                string baseline = table.Baselines.TryGetValue($"{pair.Mode}-composition", out var b) ? b.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
                text.Append(HeadTableCsv.Quote(table.Model)).Append(',').Append(table.Step?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                    .Append(HeadTableCsv.Quote(pair.Sender)).Append(',').Append(HeadTableCsv.Quote(pair.Receiver)).Append(',').Append(HeadTableCsv.Quote(pair.Mode)).Append(',')
                    .Append(pair.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(baseline).Append('\n');
            }
        }

        return text.ToString();
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
