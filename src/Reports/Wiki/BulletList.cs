namespace CircuitFinder.Reports.Wiki;

/// <summary>A bulleted list of inline-piece items.</summary>
public sealed record BulletList(IReadOnlyList<IReadOnlyList<Inline>> Items) : Block;
