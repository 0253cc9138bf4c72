using System.Text;
using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Renders a family into the wiki's files, as relative path → bytes: <c>index.md|html</c>, one page per model
/// (<c>models/SLUG</c>) and per category (<c>categories/LABEL</c>) in Markdown and HTML, <c>heads.csv</c>,
/// <c>heads.json</c>, <c>composition.csv</c>, heat maps <c>img/SLUG-COLUMN.png</c> and, for checkpoints,
/// <c>img/steps-COLUMN.png</c>. The same family gives the same bytes.
/// </summary>
public static class WikiSite
{
    /// <summary>Renders <paramref name="family"/> and writes the site to <paramref name="folder"/> (<see cref="SiteFolder"/>).</summary>
    public static void Write(string folder, WikiFamily family) => SiteFolder.Write(folder, Render(family));

    public static IReadOnlyDictionary<string, byte[]> Render(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var slugs = Slugs(family.Models);
        void Page(string path, Page page)
        {
            files[path + ".md"] = Utf8(MarkdownWriter.Write(page));
            files[path + ".html"] = Utf8(HtmlWriter.Write(page));
        }

        var heatMaps = new Dictionary<(int Model, string Column), string>();
        for (int m = 0; m < family.Models.Count; m++)
        {
            var table = family.Models[m];
            foreach (var column in PlottedColumns(table))
            {
                string path = $"img/{slugs[m]}-{column}.png";
                files[path] = WikiPlots.HeatMap(table, column);
                heatMaps[(m, column)] = path;
            }
        }

        var curves = new Dictionary<string, string>();
        if (family.IsCheckpoints && family.Models.Count > 1)
        {
            foreach (var column in family.Models.SelectMany(PlottedColumns).Distinct())
            {
                string path = $"img/steps-{column}.png";
                files[path] = WikiPlots.StepCurves(family.Models, column);
                curves[column] = path;
            }
        }

        Page("index", WikiPages.Index(family, slugs, curves));
        for (int m = 0; m < family.Models.Count; m++)
        {
            int model = m;
            var maps = heatMaps.Where(h => h.Key.Model == model).ToDictionary(h => h.Key.Column, h => h.Value);
            Page($"models/{slugs[m]}", WikiPages.Model(family, family.Models[m], maps));
        }

        foreach (var category in family.Categories)
        {
            Page($"categories/{category.Label}", WikiPages.Category(family, category, slugs));
        }

        files["heads.csv"] = Utf8(HeadTableCsv.Write(family.Models));
        files["heads.json"] = Utf8(JsonFiles.Format(WikiJson.WriteFamily(family)) + "\n");
        files["composition.csv"] = Utf8(CompositionCsv(family.Models));
        return files;
    }

    /// <summary>File-name-safe, unique slugs for the models, in order (e.g. <c>zoo:attn-only-2l</c> → <c>zoo-attn-only-2l</c>).</summary>
    public static IReadOnlyList<string> Slugs(IReadOnlyList<WikiHeadTable> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var model in models)
        {
            var name = new StringBuilder();
            foreach (char c in model.Model.ToLowerInvariant())
            {
                name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '-');
            }

            string slug = name.ToString().Trim('-');
            slug = slug.Length == 0 ? "model" : slug.Length > 60 ? slug[^60..] : slug;
            string unique = slug;
            for (int i = 2; !used.Add(unique); i++)
            {
                unique = $"{slug}-{i}";
            }

            result.Add(unique);
        }

        return result;
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
                string model = table.Model.Contains(',', StringComparison.Ordinal) || table.Model.Contains('"', StringComparison.Ordinal)
                    ? "\"" + table.Model.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                    : table.Model;
                text.Append(model).Append(',').Append(table.Step?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                    .Append(pair.Sender).Append(',').Append(pair.Receiver).Append(',').Append(pair.Mode).Append(',')
                    .Append(pair.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(baseline).Append('\n');
            }
        }

        return text.ToString();
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
