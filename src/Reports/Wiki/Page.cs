namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// A wiki page as a few kinds of blocks, rendered to both Markdown (<see cref="MarkdownWriter"/>) and HTML
/// (<see cref="HtmlWriter"/>), so the two always say the same. Text is plain: the writers escape it.
/// </summary>
public sealed record Page(string Title, IReadOnlyList<Block> Blocks);
