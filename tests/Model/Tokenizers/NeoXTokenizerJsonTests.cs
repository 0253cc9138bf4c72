using CircuitFinder.Model.Tokenizers;
using Xunit;

namespace CircuitFinder.Tests.Model.Tokenizers;

/// <summary>
/// A GPT-NeoX / Pythia-style tokenizer.json: byte-level BPE behind an NFC normalizer, with &lt;|endoftext|&gt; as id 0
/// and &lt;|padding|&gt; as id 1 (added tokens), beside a gpt_neox model folder.
/// </summary>
public sealed class NeoXTokenizerJsonTests
{
    // 'Ã' and '©' are the byte characters of é's UTF-8 bytes C3 A9; 'Ġ' is the space
    private const string Json = """
        {
          "version": "1.0",
          "added_tokens": [
            {"id": 0, "content": "<|endoftext|>", "special": true, "normalized": false},
            {"id": 1, "content": "<|padding|>", "special": true, "normalized": false}
          ],
          "normalizer": {"type": "NFC"},
          "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
          "post_processor": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
          "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
          "model": {
            "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": false,
            "vocab": {"<|endoftext|>": 0, "<|padding|>": 1, "Ã": 2, "©": 3, "Ã©": 4, "Ġ": 5, "t": 6, "Ġt": 7, "e": 8, "Ġte": 9},
            "merges": ["Ã ©", "Ġ t", "Ġt e"]
          }
        }
        """;

    [Fact]
    public void A_NeoX_tokenizer_json_with_an_NFC_normalizer_loads_and_encodes()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("tokenizer.json"), Json);
        var tokenizer = Assert.IsType<ByteLevelBpeTokenizer>(TokenizerLoader.ForModelFolder(folder.Path, 10, "gpt_neox"));
        Assert.Equal([4], tokenizer.Encode("\u00e9"));
        Assert.Equal([7, 4], tokenizer.Encode(" t\u00e9"));
        Assert.Equal([0, 9], tokenizer.Encode("<|endoftext|> te"));
        Assert.Equal(" té", tokenizer.Decode([7, 4]));
    }
}
