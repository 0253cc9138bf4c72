namespace CircuitFinder.Reports.Wiki;

/// <summary>A block of a <see cref="Page"/>.</summary>
public abstract record Block;
