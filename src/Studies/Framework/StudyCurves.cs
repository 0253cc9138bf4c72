namespace CircuitFinder.Studies.Framework;

/// <summary>Lines over labelled x positions: each series has a value per <paramref name="XTicks"/> label (NaN: none).</summary>
public sealed record StudyCurves(string XLabel, string YLabel, IReadOnlyList<string> XTicks, IReadOnlyList<StudySeries> Series);
