namespace CircuitFinder.Graph.Results;

/// <summary>A point estimate with a bootstrap 95% percentile interval.</summary>
public sealed record Interval(double Value, double Low, double High);
