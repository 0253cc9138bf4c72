namespace CircuitFinder.Reports.Verification;

/// <summary>Minimality of one node: the largest drop found when it is removed with a helper subset, and that subset.</summary>
public sealed record NodeMinimalitySummary(string Node, double Drop, double DropFraction, IReadOnlyList<string> Helper);
