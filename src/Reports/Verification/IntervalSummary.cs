namespace CircuitFinder.Reports.Verification;

/// <summary>A value with its bootstrap 95% interval.</summary>
public sealed record IntervalSummary(double Value, double Low, double High);
