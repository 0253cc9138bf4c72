namespace CircuitFinder.Reports.Wiki;

/// <summary>A paragraph of inline pieces.</summary>
public sealed record Paragraph(IReadOnlyList<Inline> Pieces) : Block
{
    public static Paragraph Of(string text) => new([new Inline(text)]);
}
