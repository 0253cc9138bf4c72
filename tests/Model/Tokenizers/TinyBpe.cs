using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

/// <summary>
/// A hand-written byte-level BPE small enough to work out its ids by hand ('Ġ' is the byte
/// character of a space). The merges' order matters: "a b" outranks "Ġ a", so " ab" becomes
/// Ġ + ab = [3, 4] even though "Ġab" (6) is a token — BPE is not longest match.
/// </summary>
internal static class TinyBpe
{
    public const string VocabJson = """{"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "Ġa": 5, "Ġab": 6, "abc": 7, "<|endoftext|>": 8}""";

    public const string MergesTxt = "#version: 0.2\na b\nĠ a\nĠa b\nab c\n";

    /// <summary>The same tokenizer as a tokenizer.json (merges as "left right" strings, ByteLevel inside a Sequence).</summary>
    public const string TokenizerJson = """
        {
          "version": "1.0",
          "added_tokens": [{"id": 8, "content": "<|endoftext|>", "single_word": false, "special": true}],
          "normalizer": null,
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}]},
          "post_processor": null,
          "decoder": {"type": "ByteLevel"},
          "model": {
            "type": "BPE", "dropout": null, "unk_token": null,
            "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "Ġa": 5, "Ġab": 6, "abc": 7, "<|endoftext|>": 8},
            "merges": ["a b", "Ġ a", "Ġa b", "ab c"]
          }
        }
        """;

    /// <summary>Texts whose bytes are all in the tiny vocabulary.</summary>
    public static TheoryData<string, int[]> Expected => new()
    {
        { "ab abc", [4, 3, 7] },       // "ab" → ab; " abc" → Ġ a b c → Ġ ab c → Ġ abc
        { " a", [5] },                 // Ġ a → Ġa
        { " ac", [5, 2] },             // Ġ a c → Ġa c
        { " ab", [3, 4] },             // Ġ a b → Ġ ab ("a b" outranks "Ġ a"); no "Ġ ab" merge
        { "cab", [2, 4] },             // one word: c a b → c ab
        { "<|endoftext|>ab", [8, 4] }, // the added token is matched whole
        { "a<|endoftext|> a", [0, 8, 5] },
        { "", [] },
    };
}
