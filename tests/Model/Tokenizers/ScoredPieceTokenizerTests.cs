using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

/// <summary>The scored-piece (llama2.c / SentencePiece BPE) tokenizer on a small hand-made vocabulary.</summary>
public sealed class ScoredPieceTokenizerTests
{
    // ids: 0 <unk>, 1 <s>, 2 </s>, 3..5 byte pieces 0xC3, 0xA9, 0x21, then characters and merges with scores
    private static readonly (string Piece, float Score)[] Vocabulary =
    [
        ("<unk>", 0), ("\n<s>\n", 0), ("\n</s>\n", 0), ("<0xC3>", 0), ("<0xA9>", 0), ("<0x21>", 0),
        (" ", -10), ("a", -10), ("b", -10), ("c", -10), ("T", -10), ("o", -10), ("m", -10),
        ("ab", -1), ("bc", -2), (" a", -3), (" ab", -4), ("To", -5), ("Tom", -5.5f), (" Tom", -6), ("om", -7), (" T", -8),
    ];

    private static ScoredPieceTokenizer Create(TemporaryFolder folder)
    {
        var json = new JObject
        {
            ["model"] = "scored BPE",
            ["pieces"] = new JArray(Vocabulary.Select(v => v.Piece)),
            ["scores"] = new JArray(Vocabulary.Select(v => v.Score)),
        };
        File.WriteAllText(folder.File("tokenizer_vocab.json"), json.ToString());
        return ScoredPieceTokenizer.Load(folder.File("tokenizer_vocab.json"));
    }

    private static int Id(string piece) => Array.FindIndex(Vocabulary, v => v.Piece == piece);

    [Fact]
    public void The_highest_scoring_merge_is_taken_first_and_a_leading_space_is_added()
    {
        using var folder = new TemporaryFolder();
        var tokenizer = Create(folder);
        // " abc": " "+"a"+"b"+"c" -> "ab" (-1) beats "bc" (-2) and " a" (-3); then " ab" (-4); "c" stays
        Assert.Equal([Id(" ab"), Id("c")], tokenizer.Encode("abc"));
        Assert.Equal([Id(" ab"), Id("c")], tokenizer.Encode(" abc")); // already starts with a space: none added
        Assert.Equal([Id(" Tom")], tokenizer.Encode(" Tom"));
        Assert.Equal(1, tokenizer.BosTokenId);
        Assert.Equal(" Tom", tokenizer.TokenToString(Id(" Tom")));
        Assert.Empty(tokenizer.Encode(string.Empty));
    }

    [Fact]
    public void Characters_without_a_piece_fall_back_to_byte_pieces_and_decode_back()
    {
        using var folder = new TemporaryFolder();
        var tokenizer = Create(folder);
        var ids = tokenizer.Encode("abé!");
        Assert.Equal([Id(" ab"), Id("<0xC3>"), Id("<0xA9>"), Id("<0x21>")], ids);
        Assert.Equal("abé!", tokenizer.Decode(ids));
        Assert.Equal("abé!", tokenizer.Decode([1, .. ids, 2])); // <s> and </s> are skipped
        Assert.Equal(ids, tokenizer.Encode(tokenizer.Decode(ids)));
        Assert.Contains("'z'", Assert.Throws<BadInputException>(() => tokenizer.Encode("z")).Message);
        Assert.Throws<BadInputException>(() => tokenizer.Decode([99]));
    }

    [Fact]
    public void A_malformed_vocabulary_file_is_refused_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("tokenizer_vocab.json"), "{\"pieces\": [\"a\", \"b\"], \"scores\": [0]}");
        Assert.Contains("'scores'", Assert.Throws<BadInputException>(() => ScoredPieceTokenizer.Load(folder.File("tokenizer_vocab.json"))).Message);
        File.WriteAllText(folder.File("tokenizer_vocab.json"), "{\"pieces\": [\"a\", 3], \"scores\": [0, 0]}");
        Assert.Contains("pieces[1]", Assert.Throws<BadInputException>(() => ScoredPieceTokenizer.Load(folder.File("tokenizer_vocab.json"))).Message);
        File.WriteAllText(folder.File("tokenizer_vocab.json"), "{\"pieces\": [\"a\", \"a\"], \"scores\": [0, 0]}");
        Assert.Contains("'a' appears twice", Assert.Throws<BadInputException>(() => ScoredPieceTokenizer.Load(folder.File("tokenizer_vocab.json"))).Message);
    }

    [Fact]
    public void The_loader_picks_it_for_a_folder_with_tokenizer_vocab_json()
    {
        using var folder = new TemporaryFolder();
        Create(folder);
        Assert.IsType<ScoredPieceTokenizer>(TokenizerLoader.ForModelFolder(folder.Path, Vocabulary.Length, "llama"));
        Assert.Throws<BadInputException>(() => TokenizerLoader.ForModelFolder(folder.Path, 5, "llama"));
    }
}
