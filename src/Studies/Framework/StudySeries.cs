namespace CircuitFinder.Studies.Framework;

/// <summary>One line of a <see cref="StudyCurves"/>.</summary>
public sealed record StudySeries(string Name, IReadOnlyList<double> Values);
