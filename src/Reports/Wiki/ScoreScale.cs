using System.Globalization;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// The fixed colour scale of a score column's heat maps, by the kind of score, so that maps of different models and
/// scores compare: attention-pattern and share scores (<c>previous-token</c>, <c>duplicate-token</c>, <c>induction</c>,
/// <c>bos</c>, <c>io-attention</c>, <c>successor</c>, user patterns within [0, 1]) on [0, 1]; composition scores on
/// [0, 1] with their random <see cref="Baseline"/> marked; eigenvalue ratios (<c>copying</c>, <c>copy-suppression</c>) on
/// [−1, 1]; other signed scores (the IOI path-patching and attribution scores) on ±the largest |score| of the column over
/// the whole family, symmetric around 0.
/// </summary>
public sealed record ScoreScale(string Kind, double Min, double Max, double? Baseline)
{
    private static readonly HashSet<string> Unit = new(StringComparer.Ordinal) { "previous-token", "duplicate-token", "induction", "bos", "io-attention", "successor" };
    private static readonly HashSet<string> Ratio = new(StringComparer.Ordinal) { "copying", "copy-suppression" };

    /// <summary>
    /// The scale of <paramref name="column"/> given every value it takes in the family and its random
    /// <paramref name="baseline"/> (composition scores only).
    /// </summary>
    public static ScoreScale For(string column, IEnumerable<double?> familyValues, double? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        var values = (familyValues ?? []).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        if (column.EndsWith("-composition", StringComparison.Ordinal))
        {
            return new ScoreScale("composition", 0, 1, baseline);
        }

        if (Ratio.Contains(column))
        {
            return new ScoreScale("ratio", -1, 1, null);
        }

        if (Unit.Contains(column) || values.All(v => v is >= 0 and <= 1))
        {
            return new ScoreScale("pattern", 0, 1, null);
        }

        double largest = values.Select(Math.Abs).DefaultIfEmpty(0).Max();
        largest = largest > 0 ? largest : 1;
        return new ScoreScale("signed", -largest, largest, null);
    }

    /// <summary>What the heat map's title says of the scale: its range, and the baseline where there is one.</summary>
    public string Describe() => Baseline is { } b
        ? string.Create(CultureInfo.InvariantCulture, $"scale {Min:0.###}–{Max:0.###}, random baseline {b:0.###}")
        : string.Create(CultureInfo.InvariantCulture, $"scale {Min:0.###}–{Max:0.###}");
}
