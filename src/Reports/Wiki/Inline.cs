namespace CircuitFinder.Reports.Wiki;

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
