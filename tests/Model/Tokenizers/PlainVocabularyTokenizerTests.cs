using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

public sealed class PlainVocabularyTokenizerTests : IDisposable
{
    // The balanced-brackets vocabulary of ARENA's "interpretability on an algorithmic model".
    private static readonly string[] Brackets = ["[start]", "[pad]", "[end]", "(", ")"];

    private readonly string _folder = Directory.CreateTempSubdirectory("cf-plainvocab-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Given_the_brackets_vocabulary_when_encoding_brackets_then_each_bracket_is_a_token() =>
        Assert.Equal([3, 3, 4], PlainVocabularyTokenizer.FromTokens(Brackets).Encode("(()"));

    [Fact]
    public void Given_the_brackets_vocabulary_when_encoding_text_with_start_and_end_then_the_longest_tokens_match() =>
        Assert.Equal([0, 3, 3, 4, 4, 2], PlainVocabularyTokenizer.FromTokens(Brackets).Encode("[start](())[end]"));

    [Fact]
    public void Given_the_brackets_vocabulary_then_start_is_the_bos_token() =>
        Assert.Equal(0, PlainVocabularyTokenizer.FromTokens(Brackets).BosTokenId);

    [Fact]
    public void Given_a_vocabulary_without_a_bos_name_then_there_is_no_bos_token() =>
        Assert.Null(PlainVocabularyTokenizer.FromTokens(["the", "cat", "sat"]).BosTokenId);

    [Fact]
    public void Given_a_word_vocabulary_when_decoding_then_words_are_joined_with_spaces()
    {
        var tokenizer = PlainVocabularyTokenizer.FromTokens(["the", "cat", "sat"]);
        Assert.Equal([0, 1, 2], tokenizer.Encode("the  cat\tsat"));
        Assert.Equal("the cat sat", tokenizer.Decode([0, 1, 2]));
    }

    [Fact]
    public void Given_a_vocabulary_with_spaces_in_tokens_when_decoding_then_tokens_are_concatenated()
    {
        var tokenizer = PlainVocabularyTokenizer.FromTokens(["The", " cat", " sat", "."]);
        Assert.Equal([0, 1, 2, 3], tokenizer.Encode("The cat sat."));
        Assert.Equal("The cat sat.", tokenizer.Decode([0, 1, 2, 3]));
        Assert.Equal(" cat", tokenizer.TokenToString(1));
    }

    [Fact]
    public void Given_a_vocabulary_file_when_loaded_then_ids_are_array_indices()
    {
        var path = Write("vocab.json", """["<bos>", "a", "ab", "b"]""");
        var tokenizer = PlainVocabularyTokenizer.Load(path);
        Assert.Equal(4, tokenizer.VocabularySize);
        Assert.Equal(0, tokenizer.BosTokenId);
        Assert.Equal([2, 1, 3], tokenizer.Encode("ab a b"));
        Assert.Equal("plain", tokenizer.Name);
        Assert.Equal(path, tokenizer.Source);
    }

    [Fact]
    public void Given_a_token_that_looks_like_a_date_when_loaded_then_it_stays_verbatim()
    {
        var tokenizer = PlainVocabularyTokenizer.Load(Write("vocab.json", """["2020-01-01T00:00:00", "x"]"""));
        Assert.Equal("2020-01-01T00:00:00", tokenizer.TokenToString(0));
    }

    [Fact]
    public void Given_an_unknown_character_when_encoding_then_the_message_names_character_index_and_file()
    {
        var path = Write("vocab.json", """["(", ")"]""");
        var e = Assert.Throws<BadInputException>(() => PlainVocabularyTokenizer.Load(path).Encode("(( x)"));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_missing_file_when_loading_then_the_message_names_the_file()
    {
        var path = Path.Combine(_folder, "nope.json");
        var e = Assert.Throws<BadInputException>(() => PlainVocabularyTokenizer.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a": 0}""", "expected a JSON array of token strings")]
    [InlineData("""["a", "b", 7, "c"]""", "token at index 2 is an integer")]
    [InlineData("""["a", null]""", "token at index 1 is null")]
    [InlineData("""["a", "b", "a"]""", "duplicate tokens 'a' (ids 0 and 2)")]
    [InlineData("[]", "the vocabulary is empty")]
    [InlineData("""["a", "b" """, "not valid JSON")]
    public void Given_a_bad_vocabulary_file_when_loading_then_the_message_names_the_file_and_the_problem(
        string json, string problem)
    {
        var path = Write("vocab.json", json);
        var e = Assert.Throws<BadInputException>(() => PlainVocabularyTokenizer.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_id_outside_the_vocabulary_when_decoding_then_the_message_names_it()
    {
        var e = Assert.Throws<BadInputException>(() => PlainVocabularyTokenizer.FromTokens(Brackets).Decode([3, 5]));
        Assert.Contains("token id 5 at index 1 is outside the vocabulary (d_vocab = 5)", e.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
