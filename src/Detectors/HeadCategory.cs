using System.Globalization;

namespace CircuitFinder.Detectors;

/// <summary>
/// A head category of the wiki: heads whose <paramref name="Column"/> score is at least <paramref name="Threshold"/>
/// (and, when given, whose <paramref name="AlsoColumn"/> score is at least <paramref name="AlsoThreshold"/>) get
/// <paramref name="Label"/>.
/// </summary>
public sealed record HeadCategory(string Label, string Column, double Threshold, string Description, string? AlsoColumn = null, double AlsoThreshold = 0)
{
    /// <summary>The rule in words, e.g. <c>induction ≥ 0.3</c>.</summary>
    public string Rule => string.Create(CultureInfo.InvariantCulture, $"{Column} ≥ {Threshold}") +
        (AlsoColumn is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" and {AlsoColumn} ≥ {AlsoThreshold}"));

    /// <summary>Whether scores (by column) earn the label; a missing score never does.</summary>
    public bool Matches(Func<string, double?> score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return score(Column) is { } value && value >= Threshold && (AlsoColumn is null || (score(AlsoColumn) is { } also && also >= AlsoThreshold));
    }
}
