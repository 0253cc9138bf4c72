namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// A wiki page as a few kinds of blocks, rendered to both Markdown (<see cref="MarkdownWriter"/>) and HTML
/// (<see cref="HtmlWriter"/>), so the two always say the same. Text is plain: the writers escape it.
/// </summary>
public sealed record Page(string Title, IReadOnlyList<Block> Blocks);

/// <summary>A block of a <see cref="Page"/>.</summary>
public abstract record Block;

/// <summary>A section heading (level 2 or 3).</summary>
public sealed record Heading(int Level, string Text) : Block;

/// <summary>A paragraph of inline pieces.</summary>
public sealed record Paragraph(IReadOnlyList<Inline> Pieces) : Block
{
    public static Paragraph Of(string text) => new([new Inline(text)]);
}

/// <summary>A table whose cells are inline pieces.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<Inline>> Rows) : Block;

/// <summary>A bulleted list of inline-piece items.</summary>
public sealed record BulletList(IReadOnlyList<IReadOnlyList<Inline>> Items) : Block;

/// <summary>An image (a relative path) with its alternative text.</summary>
public sealed record Image(string Source, string Alt) : Block;

/// <summary>
/// Plain text, optionally linked to <paramref name="Href"/> (a relative path written without extension: the writers add
/// <c>.md</c> or <c>.html</c> when <paramref name="PageLink"/> is set), or shown as code (token strings).
/// </summary>
public sealed record Inline(string Text, string? Href = null, bool PageLink = false, bool Code = false)
{
    public static Inline Link(string text, string page) => new(text, page, PageLink: true);

    public static Inline File(string text, string path) => new(text, path);

    public static Inline Tokens(string text) => new(text, Code: true);
}
