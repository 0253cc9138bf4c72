namespace CircuitFinder.Reports.Wiki;

/// <summary>A section heading (level 2 or 3).</summary>
public sealed record Heading(int Level, string Text) : Block;
