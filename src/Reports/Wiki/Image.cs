namespace CircuitFinder.Reports.Wiki;

/// <summary>An image (a relative path) with its alternative text.</summary>
public sealed record Image(string Source, string Alt) : Block;
