namespace CircuitFinder.Reports.Wiki;

/// <summary>A table whose cells are inline pieces.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<Inline>> Rows) : Block;
