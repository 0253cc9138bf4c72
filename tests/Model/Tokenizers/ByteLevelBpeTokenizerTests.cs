using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

public sealed class ByteLevelBpeTokenizerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cf-bpe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(TinyBpe.Expected), MemberType = typeof(TinyBpe))]
    public void Given_the_tiny_vocab_and_merges_when_encoding_then_the_ids_are_the_hand_worked_ones(string text, int[] ids) =>
        Assert.Equal(ids, FromVocabAndMerges().Encode(text));

    [Theory]
    [MemberData(nameof(TinyBpe.Expected), MemberType = typeof(TinyBpe))]
    public void Given_the_tiny_tokenizer_json_when_encoding_then_the_ids_are_the_same(string text, int[] ids) =>
        Assert.Equal(ids, FromTokenizerJson().Encode(text));

    [Fact]
    public void Given_the_tiny_tokenizer_then_size_bos_and_name_follow_the_vocabulary()
    {
        foreach (var tokenizer in new[] { FromVocabAndMerges(), FromTokenizerJson() })
        {
            Assert.Equal(9, tokenizer.VocabularySize);
            Assert.Equal(8, tokenizer.BosTokenId);
            Assert.Equal("bpe", tokenizer.Name);
        }
    }

    [Fact]
    public void Given_ids_when_decoding_then_byte_characters_become_bytes_and_added_tokens_their_content()
    {
        var tokenizer = FromVocabAndMerges();
        Assert.Equal("<|endoftext|> abc", tokenizer.Decode([8, 3, 7]));
        Assert.Equal(" a", tokenizer.TokenToString(5));
        Assert.Equal(" ", tokenizer.TokenToString(3));
    }

    [Fact]
    public void Given_merges_in_another_order_when_encoding_then_the_higher_ranked_merge_wins()
    {
        var tokenizer = Load(TinyBpe.VocabJson, "#version: 0.2\nĠ a\na b\nĠa b\nab c\n");
        Assert.Equal([6], tokenizer.Encode(" ab")); // Ġ a b → Ġa b → Ġab
    }

    [Fact]
    public void Given_merges_of_unknown_symbols_or_to_unknown_tokens_then_they_are_skipped()
    {
        var tokenizer = Load("""{"a": 0, "b": 1, "c": 2}""", "x y\nb c\na b\n");
        Assert.Equal([0, 1, 2], tokenizer.Encode("abc"));
    }

    [Fact]
    public void Given_a_tokenizer_json_with_add_prefix_space_when_encoding_then_a_space_is_prepended()
    {
        var json = TinyBpe.TokenizerJson.Replace("\"add_prefix_space\": false", "\"add_prefix_space\": true", StringComparison.Ordinal);
        var tokenizer = ByteLevelBpeTokenizer.LoadTokenizerJson(Write("tokenizer.json", json));
        Assert.Equal([5], tokenizer.Encode("a"));
        Assert.Equal([5], tokenizer.Encode(" a"));
    }

    [Fact]
    public void Given_no_endoftext_and_a_template_post_processor_then_bos_is_the_templates_first_special_token()
    {
        var json = TinyBpe.TokenizerJson.Replace("<|endoftext|>", "<s>", StringComparison.Ordinal).Replace(
            "\"post_processor\": null",
            "\"post_processor\": " + """{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"<s>": {"id": "<s>", "ids": [8], "tokens": ["<s>"]}}}""",
            StringComparison.Ordinal);
        Assert.Equal(8, ByteLevelBpeTokenizer.LoadTokenizerJson(Write("tokenizer.json", json)).BosTokenId);
    }

    [Fact]
    public void Given_no_bos_like_token_then_there_is_no_bos() =>
        Assert.Null(Load("""{"a": 0, "b": 1}""", "a b\n").BosTokenId);

    [Fact]
    public void Given_a_byte_missing_from_the_vocabulary_when_encoding_then_the_message_names_it_and_the_file()
    {
        var tokenizer = FromVocabAndMerges();
        var e = Assert.Throws<BadInputException>(() => tokenizer.Encode("abx"));
        Assert.Contains("'x' (bytes 0x78)", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, "vocab.json"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_id_outside_the_vocabulary_when_decoding_then_the_message_names_it()
    {
        var e = Assert.Throws<BadInputException>(() => FromVocabAndMerges().Decode([0, 9]));
        Assert.Contains("token id 9 at index 1 is outside the vocabulary (d_vocab = 9)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_byte_alphabet_then_space_newline_and_letters_map_as_in_gpt2()
    {
        Assert.Equal("Ġ", ByteLevelAlphabet.ToText([(byte)' ']));
        Assert.Equal("Ċ", ByteLevelAlphabet.ToText([(byte)'\n']));
        Assert.Equal("Ā", ByteLevelAlphabet.ToText([0]));
        Assert.Equal("A~¡", ByteLevelAlphabet.ToText([(byte)'A', (byte)'~', 0xA1]));
        Assert.Equal(256, Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ToChar((byte)b)).Distinct().Count());
    }

    private ByteLevelBpeTokenizer FromVocabAndMerges() => Load(TinyBpe.VocabJson, TinyBpe.MergesTxt);

    private ByteLevelBpeTokenizer FromTokenizerJson() =>
        ByteLevelBpeTokenizer.LoadTokenizerJson(Write("tokenizer.json", TinyBpe.TokenizerJson));

    private ByteLevelBpeTokenizer Load(string vocab, string merges) =>
        ByteLevelBpeTokenizer.LoadHuggingFace(Write("vocab.json", vocab), Write("merges.txt", merges));

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
