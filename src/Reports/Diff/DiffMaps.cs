using System.Globalization;
using System.Text.RegularExpressions;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Graph.Views;

namespace CircuitFinder.Reports.Diff;

/// <summary>
/// The layer × head heat maps of an inside diff: the heads' relative weight differences (<c>weights-heads</c>), the mean
/// |B − A| of their direct logit attribution (<c>dla-heads</c>) and the fraction of B's advantage each recovers when
/// patched into A (<c>patching-heads</c>, scale fixed to [−1, 1]). Maps without data are left out.
/// </summary>
public static partial class DiffMaps
{
    public static IReadOnlyList<ViewMap> Of(InsideDiff inside)
    {
        ArgumentNullException.ThrowIfNull(inside);
        if (inside.Heads.Count == 0)
        {
            return [];
        }

        int layers = inside.Heads.Max(h => h.Layer) + 1;
        int heads = inside.Heads.Max(h => h.Index) + 1;
        var maps = new List<ViewMap>
        {
            Map("weights-heads", "relative weight difference per head, ‖B − A‖ / ‖A‖", layers, heads, inside.Heads.Select(h => (h.Layer, h.Index, h.Relative)), "relative norm", null, null),
        };
        var attribution = inside.Attribution.Select(a => (Label: a.Component, Value: a.MeanAbsDifference, Match: HeadPattern().Match(a.Component)))
            .Where(a => a.Match.Success)
            .Select(a => (Layer(a.Match, 1), Layer(a.Match, 2), a.Value))
            .ToList();
        if (attribution.Count > 0)
        {
            maps.Add(Map("dla-heads", "direct logit attribution per head, mean |B − A|", layers, heads, attribution, "mean |B − A|", null, null));
        }

        if (inside.Patching is { } patching)
        {
            maps.Add(Map("patching-heads", "fraction of B's advantage recovered by patching each head from B into A", layers, heads,
                patching.Heads.Select(h => (h.Layer, h.Head ?? 0, h.Recovery)), "recovery", -1, 1));
        }

        return maps;
    }

    private static ViewMap Map(string name, string title, int layers, int heads, IEnumerable<(int Layer, int Head, double Value)> cells, string value, double? min, double? max)
    {
        var values = new double[layers, heads];
        for (int l = 0; l < layers; l++)
        {
            for (int h = 0; h < heads; h++)
            {
                values[l, h] = double.NaN;
            }
        }

        foreach (var (layer, head, v) in cells)
        {
            values[layer, head] = v;
        }

        var rows = Enumerable.Range(0, layers).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
        var columns = Enumerable.Range(0, heads).Select(h => h.ToString(CultureInfo.InvariantCulture)).ToList();
        return ViewMap.From(name, title, "layer", "head", rows, columns, values, value, min, max);
    }

    private static int Layer(Match match, int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("^L([0-9]+)H([0-9]+)$")]
    private static partial Regex HeadPattern();
}
