using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

/// <summary>
/// The oracle is GPT-2 itself: <see cref="Gpt2Tokenizer"/> (tiktoken, whose GPT-2 ids equal
/// HuggingFace's GPT2TokenizerFast) against a <see cref="ByteLevelBpeTokenizer"/> loaded from GPT-2's
/// HuggingFace files rebuilt from the same ranks (<see cref="Gpt2HuggingFaceFiles"/>).
/// </summary>
public sealed class ByteLevelBpeTokenizerGpt2OracleTests(Gpt2HuggingFaceFiles files) : IClassFixture<Gpt2HuggingFaceFiles>
{
    public static TheoryData<string> Texts =>
    [
        "Hello world",
        " Mary",
        "When Mary and John went to the store, John gave a drink to",
        "The Acrobatic Circus Group (ACG)",
        "Hello, world! How's it going? I'm fine; you're great, we've been, they'll see, he'd go.",
        "Numbers: 0 7 42 1234567890 3.14159 -2e10 1,000,000",
        "   three leading spaces and trailing ",
        "trailing spaces   ",
        "multiple     inner      spaces",
        " leading space",
        "line one\nline two\n\nline four\r\n",
        "\n\n\n",
        "\ttabbed\tand\t\ttabs ",
        "Ünïcödé and émojis 🎉🎉 and 中文字符 and Ελληνικά and русский",
        "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, ✨",
        "def add(a, b):\n    return a + b\n\nclass Foo:\n    def __init__(self):\n        self.x = [1, 2, 3]  # list\n",
        "if (x != y && z >= 0) { printf(\"%d\\n\", x); }",
        "<|endoftext|>The start of a document",
        "end of one<|endoftext|>start of another",
        "'s 't 're 've 'm 'll 'd 'S 'LL",
        "John's and O'Reilly's",
        "URL: https://example.com/path?query=1&b=2#frag",
        "email@example.com, @handle, #hashtag, $100.00, 50%",
        "ALL CAPS SHOUTING AND lowercase and MiXeD cAsE",
        "    ",
        " ",
        "a",
        "",
        "antidisestablishmentarianism supercalifragilisticexpialidocious",
        "…—–«»“”‘’ fancy punctuation",
        "The quick brown fox jumps over the lazy dog. The END.",
        "x\u00A0y\u2003z non-breaking and em spaces",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Given_gpt2s_vocab_and_merges_when_encoding_then_the_ids_equal_gpt2s(string text) =>
        Assert.Equal(Gpt2Tokenizer.Instance.Encode(text), FromVocabAndMerges().Encode(text));

    [Theory]
    [MemberData(nameof(Texts))]
    public void Given_gpt2s_tokenizer_json_when_encoding_then_the_ids_equal_gpt2s(string text) =>
        Assert.Equal(Gpt2Tokenizer.Instance.Encode(text), FromTokenizerJson().Encode(text));

    [Theory]
    [MemberData(nameof(Texts))]
    public void Given_gpt2s_files_when_encoding_and_decoding_then_the_text_comes_back(string text)
    {
        var tokenizer = FromVocabAndMerges();
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void Given_gpt2s_files_then_size_and_bos_are_gpt2s()
    {
        var tokenizer = FromVocabAndMerges();
        Assert.Equal(Gpt2Tokenizer.GptVocabularySize, tokenizer.VocabularySize);
        Assert.Equal(Gpt2Tokenizer.EndOfTextId, tokenizer.BosTokenId);
        Assert.Equal(Gpt2Tokenizer.EndOfTextId, FromTokenizerJson().BosTokenId);
    }

    [Fact]
    public void Given_gpt2s_files_when_showing_every_token_then_each_equals_gpt2s()
    {
        var tokenizer = FromVocabAndMerges();
        var different = Enumerable.Range(0, Gpt2Tokenizer.GptVocabularySize)
            .Where(id => tokenizer.TokenToString(id) != Gpt2Tokenizer.Instance.TokenToString(id))
            .Take(5)
            .ToList();
        Assert.Empty(different);
    }

    // The first merges of GPT-2's merges.txt as published by OpenAI/HuggingFace, and its 50,000 merges.
    [Fact]
    public void Given_the_rebuilt_merges_then_they_begin_as_gpt2s_published_merges_txt()
    {
        var lines = File.ReadAllLines(files.MergesTxt);
        Assert.Equal(["#version: 0.2", "Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t"], lines.Take(11));
        Assert.Equal(50_001, lines.Length);
    }

    [Fact]
    public void Given_a_gpt2_model_folder_with_gpt2s_tokenizer_json_then_the_loader_gives_the_built_in_gpt2() =>
        Assert.Same(Gpt2Tokenizer.Instance, TokenizerLoader.ForModelFolder(files.Folder, dVocab: 50257, modelType: "gpt2"));

    [Fact]
    public void Given_gpt2s_tokenizer_json_in_a_folder_of_another_model_type_then_the_loader_gives_byte_level_bpe()
    {
        var tokenizer = TokenizerLoader.ForModelFolder(files.Folder, dVocab: 50304, modelType: "neo");
        Assert.IsType<ByteLevelBpeTokenizer>(tokenizer);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
    }

    private ByteLevelBpeTokenizer FromVocabAndMerges() => files.FromVocabAndMerges;

    private ByteLevelBpeTokenizer FromTokenizerJson() => files.FromTokenizerJson;
}
