namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// A token matched verbatim in the text before BPE runs (HuggingFace's added_tokens), e.g.
/// &lt;|endoftext|&gt;; it decodes to its content.
/// </summary>
internal sealed record AddedToken(int Id, string Content, bool Special);
