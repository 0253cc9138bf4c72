using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

public sealed class Gpt2TokenizerTests
{
    private static Gpt2Tokenizer Tokenizer => Gpt2Tokenizer.Instance;

    // Reference ids from HuggingFace transformers: GPT2TokenizerFast.from_pretrained("gpt2").
    [Fact]
    public void Gpt2_encodes_hello_world_to_the_reference_ids() =>
        Assert.Equal([15496, 995], Tokenizer.Encode("Hello world"));

    [Fact]
    public void Gpt2_encodes_space_mary_to_a_single_reference_token() =>
        Assert.Equal([5335], Tokenizer.Encode(" Mary"));

    [Fact]
    public void Gpt2_shows_token_5335_with_its_leading_space() =>
        Assert.Equal(" Mary", Tokenizer.TokenToString(5335));

    [Fact]
    public void Gpt2_has_50257_tokens_and_endoftext_as_bos()
    {
        Assert.Equal(50257, Tokenizer.VocabularySize);
        Assert.Equal(50256, Tokenizer.BosTokenId);
        Assert.Equal("gpt2", Tokenizer.Name);
    }

    [Fact]
    public void Gpt2_shows_the_bos_token_as_endoftext() =>
        Assert.Equal("<|endoftext|>", Tokenizer.TokenToString(50256));

    [Fact]
    public void Given_a_bos_prepended_by_the_caller_when_decoding_then_endoftext_leads_the_text() =>
        Assert.Equal("<|endoftext|>Hello world", Tokenizer.Decode([50256, 15496, 995]));

    [Fact]
    public void Given_plain_text_when_encoding_then_no_special_token_is_added()
    {
        var ids = Tokenizer.Encode("When Mary and John went to the store");
        Assert.DoesNotContain(50256, ids);
    }

    [Theory]
    [InlineData("The Acrobatic Circus Group (ACG)")]
    [InlineData("Ünïcödé and émojis 🎉")]
    [InlineData(" leading space")]
    [InlineData("   three leading spaces and trailing ")]
    [InlineData("When Mary and John went to the store, John gave a drink to")]
    [InlineData("line one\nline two\ttabbed")]
    [InlineData("")]
    public void Given_text_when_encoded_and_decoded_then_the_text_comes_back(string text) =>
        Assert.Equal(text, Tokenizer.Decode(Tokenizer.Encode(text)));

    [Fact]
    public void Given_encoded_text_when_its_tokens_are_shown_one_by_one_then_they_concatenate_to_the_text()
    {
        const string text = "The Acrobatic Circus Group (ACG)";
        var pieces = Tokenizer.Encode(text).Select(Tokenizer.TokenToString);
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void Given_the_instance_when_asked_twice_then_it_is_the_same_object() =>
        Assert.Same(Gpt2Tokenizer.Instance, Gpt2Tokenizer.Instance);

    [Fact]
    public void Given_an_id_outside_the_vocabulary_when_decoding_then_the_message_names_it()
    {
        var e = Assert.Throws<BadInputException>(() => Tokenizer.Decode([15496, 50257]));
        Assert.Contains("token id 50257 at index 1", e.Message, StringComparison.Ordinal);
    }
}
