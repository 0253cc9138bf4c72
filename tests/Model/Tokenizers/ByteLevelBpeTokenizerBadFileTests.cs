using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

public sealed class ByteLevelBpeTokenizerBadFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cf-bpebad-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Given_a_missing_vocab_json_when_loading_then_the_message_names_it()
    {
        var vocab = Path.Combine(_folder, "vocab.json");
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadHuggingFace(vocab, Write("merges.txt", "a b\n")));
        Assert.Equal($"{vocab}: vocabulary file not found", e.Message);
    }

    [Fact]
    public void Given_a_missing_merges_txt_when_loading_then_the_message_names_it()
    {
        var merges = Path.Combine(_folder, "merges.txt");
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadHuggingFace(Write("vocab.json", TinyBpe.VocabJson), merges));
        Assert.Equal($"{merges}: merges file not found", e.Message);
    }

    [Fact]
    public void Given_a_missing_tokenizer_json_when_loading_then_the_message_names_it()
    {
        var path = Path.Combine(_folder, "tokenizer.json");
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadTokenizerJson(path));
        Assert.Equal($"{path}: tokenizer file not found", e.Message);
    }

    [Theory]
    [InlineData("""["a", "b"]""", "vocab.json should be a JSON object mapping token strings to ids, found an array")]
    [InlineData("""{"a": 0, "b": "1"}""", "vocab.json: the id of token 'b' is a string, expected a non-negative integer")]
    [InlineData("""{"a": -1}""", "vocab.json: the id of token 'a' is -1, expected a non-negative integer")]
    [InlineData("""{"a": 0.5}""", "vocab.json: the id of token 'a' is a number, expected a non-negative integer")]
    [InlineData("""{"a": 0, "b": 1, "c": 0}""", "vocab.json: duplicate id 0 (tokens 'a' and 'c')")]
    [InlineData("""{"a": 0""", "not valid JSON")]
    [InlineData("{}", "the vocabulary is empty")]
    public void Given_a_bad_vocab_json_when_loading_then_the_message_names_the_file_and_the_problem(string json, string problem)
    {
        var vocab = Write("vocab.json", json);
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadHuggingFace(vocab, Write("merges.txt", "a b\n")));
        Assert.Contains(vocab, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#version: 0.2\na b\nab c d\n", "line 3: expected two symbols separated by one space, found 'ab c d'")]
    [InlineData("a b\nab\n", "line 2: expected two symbols separated by one space, found 'ab'")]
    [InlineData("a  b\n", "line 1: expected two symbols separated by one space, found 'a  b'")]
    public void Given_a_bad_merges_line_when_loading_then_the_message_names_the_file_and_the_line(string merges, string problem)
    {
        var path = Write("merges.txt", merges);
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadHuggingFace(Write("vocab.json", TinyBpe.VocabJson), path));
        Assert.Equal($"{path}: {problem}", e.Message);
    }

    [Theory]
    [InlineData("""{"model": {"type": "BPE", "vocab": {}""", "not valid JSON")]
    [InlineData("[]", "expected a JSON object at the top level")]
    [InlineData("""{"pre_tokenizer": {"type": "ByteLevel"}}""", "model is missing, expected an object")]
    [InlineData("""{"model": "BPE"}""", "model is a string, expected an object")]
    [InlineData("""{"model": {"type": "WordPiece", "vocab": {"a": 0}}}""", "model.type is \"WordPiece\"; only BPE models are supported")]
    [InlineData("""{"model": {"type": "BPE", "continuing_subword_prefix": "##", "vocab": {"a": 0}, "merges": []}}""", "model.continuing_subword_prefix is \"##\"")]
    [InlineData("""{"model": {"type": "BPE", "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}}""", "model.vocab should be a JSON object")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}}, "pre_tokenizer": {"type": "ByteLevel"}}""", "model.merges is missing, expected an array")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b", 5]}, "pre_tokenizer": {"type": "ByteLevel"}}""", "model.merges[1] is 5, expected")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a", "b", "c"]]}, "pre_tokenizer": {"type": "ByteLevel"}}""", "model.merges[0] is [\"a\",\"b\",\"c\"]")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "pre_tokenizer is missing; only a ByteLevel pre-tokenizer is supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Whitespace"}}""", "pre_tokenizer.type is \"Whitespace\"; only ByteLevel (possibly inside a Sequence) is supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split"}, {"type": "ByteLevel"}]}}""", "pre_tokenizer.pretokenizers[0].type is \"Split\"")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": "yes"}}""", "pre_tokenizer.add_prefix_space is \"yes\", expected true or false")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "ByteLevel"}}""", "normalizer is \"Lowercase\"; only tokenizers without a normalizer or with NFC are supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}, "added_tokens": [{"id": "x", "content": "<s>"}]}""", "added_tokens[0] is {\"id\":\"x\",\"content\":\"<s>\"}, expected")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}, "added_tokens": [{"id": 0, "content": "<s>"}]}""", "duplicate id 0 (tokens '<s>' and 'a')")]
    public void Given_a_bad_tokenizer_json_when_loading_then_the_message_names_the_file_and_the_field(string json, string problem)
    {
        var path = Write("tokenizer.json", json);
        var e = Assert.Throws<BadInputException>(() => ByteLevelBpeTokenizer.LoadTokenizerJson(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
