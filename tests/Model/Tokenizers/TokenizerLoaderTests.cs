using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

public sealed class TokenizerLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cf-tokloader-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Given_a_folder_with_a_vocab_array_then_the_tokenizer_is_a_plain_vocabulary()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), """["[start]", "[pad]", "[end]", "(", ")"]""");
        var tokenizer = TokenizerLoader.ForModelFolder(_folder, dVocab: 5, modelType: null);
        var plain = Assert.IsType<PlainVocabularyTokenizer>(tokenizer);
        Assert.Equal([3, 4], plain.Encode("()"));
    }

    [Fact]
    public void Given_a_vocab_array_larger_than_d_vocab_then_the_message_names_both_sizes()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), """["a", "b", "c"]""");
        var e = Assert.Throws<BadInputException>(() => TokenizerLoader.ForModelFolder(_folder, dVocab: 2, modelType: null));
        Assert.Contains("vocab.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 tokens", e.Message, StringComparison.Ordinal);
        Assert.Contains("d_vocab is 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_gpt2_model_with_the_full_vocabulary_and_no_vocab_file_then_the_tokenizer_is_gpt2() =>
        Assert.Same(Gpt2Tokenizer.Instance, TokenizerLoader.ForModelFolder(_folder, dVocab: 50257, modelType: "gpt2"));

    [Fact]
    public void Given_the_tiny_gpt2_fixture_then_there_is_no_tokenizer() =>
        Assert.Null(TokenizerLoader.ForModelFolder(
            Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "gpt2-tiny"), dVocab: 1000, modelType: "gpt2"));

    [Fact]
    public void Given_a_model_that_is_not_gpt2_and_no_vocab_file_then_there_is_no_tokenizer() =>
        Assert.Null(TokenizerLoader.ForModelFolder(_folder, dVocab: 50257, modelType: "neox"));

    [Fact]
    public void Given_a_huggingface_gpt2_vocabulary_beside_merges_then_the_tokenizer_is_gpt2()
    {
        var entries = Enumerable.Range(0, 50257).Select(i => $"\"t{i}\": {i}");
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), "{" + string.Join(",", entries) + "}");
        File.WriteAllText(Path.Combine(_folder, "merges.txt"), "#version: 0.2\n");
        Assert.Same(Gpt2Tokenizer.Instance, TokenizerLoader.ForModelFolder(_folder, dVocab: 50257, modelType: "gpt2"));
    }

    [Fact]
    public void Given_another_huggingface_bpe_vocabulary_beside_merges_then_the_tokenizer_is_byte_level_bpe()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), TinyBpe.VocabJson);
        File.WriteAllText(Path.Combine(_folder, "merges.txt"), TinyBpe.MergesTxt);
        var bpe = Assert.IsType<ByteLevelBpeTokenizer>(TokenizerLoader.ForModelFolder(_folder, dVocab: 9, modelType: "gpt2"));
        Assert.Equal([4, 3, 7], bpe.Encode("ab abc"));
    }

    [Fact]
    public void Given_a_huggingface_vocabulary_without_merges_then_there_is_no_tokenizer()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), TinyBpe.VocabJson);
        Assert.Null(TokenizerLoader.ForModelFolder(_folder, dVocab: 9, modelType: "gpt2"));
    }

    [Fact]
    public void Given_a_tokenizer_json_then_it_is_preferred_to_a_vocab_array()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), TinyBpe.TokenizerJson);
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), """["a", "b"]""");
        var bpe = Assert.IsType<ByteLevelBpeTokenizer>(TokenizerLoader.ForModelFolder(_folder, dVocab: 16, modelType: "neox"));
        Assert.Equal([5, 2], bpe.Encode(" ac"));
    }

    [Fact]
    public void Given_a_tokenizer_json_larger_than_d_vocab_then_the_message_names_the_file_and_both_sizes()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), TinyBpe.TokenizerJson);
        var e = Assert.Throws<BadInputException>(() => TokenizerLoader.ForModelFolder(_folder, dVocab: 8, modelType: null));
        Assert.Contains("tokenizer.json: the vocabulary has 9 tokens but the model's d_vocab is 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_tokenizer_json_that_is_not_bpe_then_loading_the_folder_names_the_field()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");
        var e = Assert.Throws<BadInputException>(() => TokenizerLoader.ForModelFolder(_folder, dVocab: 8, modelType: null));
        Assert.Contains("model.type is \"Unigram\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_id_outside_d_vocab_then_check_ids_names_the_id_its_index_and_d_vocab()
    {
        int[] ids = [0, 1, 2, 3, 4, 1234];
        var e = Assert.Throws<BadInputException>(() => TokenizerLoader.CheckIds(ids, 1000, "--tokens"));
        Assert.Equal("--tokens: token id 1234 at index 5 is outside the vocabulary (d_vocab = 1000)", e.Message);
    }

    [Fact]
    public void Given_a_negative_id_then_check_ids_rejects_it() =>
        Assert.Throws<BadInputException>(() => TokenizerLoader.CheckIds([-1], 10, "prompt 0"));

    [Fact]
    public void Given_ids_inside_d_vocab_then_check_ids_accepts_them() =>
        TokenizerLoader.CheckIds([0, 9], 10, "prompt 0");
}
