using CircuitFinder.Graph.Views;
using CircuitFinder.Reports.Plots;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// Writes a view's files into a claimed <see cref="OutputFolder"/> and swaps them into place in one step: the JSON report,
/// one CSV of every map (<see cref="ViewMapCsv"/>) and a PNG heat map per map (<see cref="HeatMapPlot"/>, named after the
/// map). A run that fails before <see cref="Write"/> returns leaves nothing behind.
/// </summary>
public static class ViewFolder
{
    /// <summary>
    /// Writes <paramref name="stem"/>.json, <paramref name="stem"/>.csv of every map and <c>MAP.png</c> per map (only of
    /// <paramref name="plotted"/> where given); returns the final paths.
    /// </summary>
    public static IReadOnlyList<string> Write(OutputFolder output, string stem, JObject json, IReadOnlyList<ViewMap> maps, IReadOnlyList<ViewMap>? plotted = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(maps);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [stem + ".json"] = System.Text.Encoding.UTF8.GetBytes(JsonFiles.Format(json) + "\n"),
            [stem + ".csv"] = System.Text.Encoding.UTF8.GetBytes(ViewMapCsv.Write(maps)),
        };
        var names = SafeName.Unique(maps.Select(m => m.Name), "map");
        for (int i = 0; i < maps.Count; i++)
        {
            if (plotted is null || plotted.Contains(maps[i]))
            {
                files[names[i] + ".png"] = HeatMapPlot.Png(maps[i]);
            }
        }

        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(output.File(name), bytes);
        }

        output.Commit();
        return files.Keys.Select(f => Path.Combine(output.Given, f)).ToList();
    }
}
