using System.Globalization;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// A claim of a study, decided by a number: <paramref name="Measured"/> compared (<paramref name="Comparison"/>: <c>&gt;=</c>,
/// <c>&lt;=</c>, <c>&gt;</c>, <c>&lt;</c>) with <paramref name="Threshold"/>; <paramref name="Passed"/> is that comparison
/// (false for NaN). <paramref name="Evidence"/> says where the number came from.
/// </summary>
public sealed record StudyClaim(string Id, string Statement, double Measured, string Comparison, double Threshold, bool Passed, string Evidence)
{
    /// <summary>PASS or FAIL.</summary>
    public string Verdict => Passed ? "PASS" : "FAIL";

    /// <summary>Passes when <paramref name="measured"/> ≥ <paramref name="threshold"/>.</summary>
    public static StudyClaim AtLeast(string id, string statement, double measured, double threshold, string evidence) =>
        new(id, statement, measured, ">=", threshold, measured >= threshold, evidence);

    /// <summary>Passes when <paramref name="measured"/> ≤ <paramref name="threshold"/>.</summary>
    public static StudyClaim AtMost(string id, string statement, double measured, double threshold, string evidence) =>
        new(id, statement, measured, "<=", threshold, measured <= threshold, evidence);

    /// <summary>Passes when <paramref name="measured"/> &gt; <paramref name="threshold"/>.</summary>
    public static StudyClaim Above(string id, string statement, double measured, double threshold, string evidence) =>
        new(id, statement, measured, ">", threshold, measured > threshold, evidence);

    /// <summary>Passes when <paramref name="measured"/> &lt; <paramref name="threshold"/>.</summary>
    public static StudyClaim Below(string id, string statement, double measured, double threshold, string evidence) =>
        new(id, statement, measured, "<", threshold, measured < threshold, evidence);

    /// <summary>The decision as text: <c>0.83 &gt;= 0.5</c>.</summary>
    public string Decision => $"{Format(Measured)} {Comparison} {Format(Threshold)}";

    /// <summary>A number as the reports show it (4 significant digits, invariant culture).</summary>
    public static string Format(double value) => double.IsNaN(value) ? "NaN" : value.ToString("G4", CultureInfo.InvariantCulture);
}
