using Microsoft.ML.Tokenizers;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// GPT-2's byte-level BPE (50,257 tokens), offline through Microsoft.ML.Tokenizers and its Gpt2
/// data package. Building it takes a while, so there is one shared <see cref="Instance"/>.
/// </summary>
public sealed class Gpt2Tokenizer : ITokenizer
{
    /// <summary>Number of GPT-2 tokens: 50,256 BPE tokens and &lt;|endoftext|&gt;.</summary>
    public const int GptVocabularySize = 50257;

    /// <summary>Id of &lt;|endoftext|&gt;, which GPT-2 uses as its beginning-of-sequence token.</summary>
    public const int EndOfTextId = 50256;

    private static readonly Lazy<Gpt2Tokenizer> Shared =
        new(() => new Gpt2Tokenizer(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Tokenizer()
    {
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
    }

    /// <summary>The shared tokenizer, built on first use.</summary>
    public static Gpt2Tokenizer Instance => Shared.Value;

    public string Name => "gpt2";

    public int VocabularySize => GptVocabularySize;

    public int? BosTokenId => EndOfTextId;

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.EncodeToIds(text);
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        TokenizerLoader.CheckIds(list, VocabularySize, "gpt2 decode");
        return _tokenizer.Decode(list) ?? string.Empty;
    }

    /// <summary>
    /// The token's text, e.g. " Mary". A token that is only part of a multi-byte character (GPT-2
    /// has such tokens) shows as U+FFFD.
    /// </summary>
    public string TokenToString(int id)
    {
        TokenizerLoader.CheckIds([id], VocabularySize, "gpt2 token");
        return _tokenizer.Decode([id]) ?? string.Empty;
    }
}
