using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// A HuggingFace GPT-2-style byte-level BPE tokenizer (GPT-2, GPT-Neo, Pythia, OPT, ...), built from
/// vocab.json + merges.txt or from a tokenizer.json whose model is BPE. Encoding follows GPT-2:
/// added tokens (e.g. &lt;|endoftext|&gt;) are matched in the text first; the rest is cut into words
/// by GPT-2's pattern, each word's UTF-8 bytes are written as byte characters (' ' is 'Ġ') and merged
/// pair by pair, lowest merge rank first. No special token is added and no prefix space unless
/// the tokenizer.json's ByteLevel pre-tokenizer says add_prefix_space.
/// </summary>
public sealed class ByteLevelBpeTokenizer : ITokenizer
{
    private const int MaxCachedWords = 100_000;
    private const string EndOfText = "<|endoftext|>";
    private static readonly string[] BosNames = ["<s>", "<bos>", "<|begin_of_text|>", "<|startoftext|>"];

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<(string Left, string Right), int> _ranks;
    private readonly string?[] _tokens;
    private readonly bool[] _isAdded;
    private readonly Regex? _addedPattern;
    private readonly Dictionary<string, int> _addedIds;
    private readonly bool _addPrefixSpace;
    private readonly bool _useRegex;
    private readonly bool _ignoreMerges;
    private readonly bool _normalizeNfc;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    internal ByteLevelBpeTokenizer(BpeDefinition definition)
    {
        Source = definition.Source;
        _addPrefixSpace = definition.AddPrefixSpace;
        _useRegex = definition.UseRegex;
        _ignoreMerges = definition.IgnoreMerges;
        _normalizeNfc = definition.NormalizeNfc;
        _ids = new Dictionary<string, int>(definition.Vocabulary, StringComparer.Ordinal);
        _addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var added in definition.AddedTokens)
        {
            _addedIds[added.Content] = added.Id;
            _ids[added.Content] = added.Id;
        }

        if (_ids.Count == 0)
        {
            throw new BadInputException($"{Source}: the vocabulary is empty");
        }

        VocabularySize = _ids.Values.Max() + 1;
        _tokens = new string?[VocabularySize];
        _isAdded = new bool[VocabularySize];
        foreach (var (token, id) in _ids)
        {
            if (_tokens[id] is { } other && other != token)
            {
                var (first, second) = string.CompareOrdinal(other, token) < 0 ? (other, token) : (token, other);
                throw new BadInputException($"{Source}: duplicate id {id} (tokens '{first}' and '{second}')");
            }

            _tokens[id] = token;
        }

        foreach (var id in _addedIds.Values)
        {
            _isAdded[id] = true;
        }

        _ranks = new Dictionary<(string, string), int>();
        foreach (var (left, right) in definition.Merges)
        {
            // A merge of unknown symbols, or whose result is not a token, could never yield an id: skip it.
            if (_ids.ContainsKey(left) && _ids.ContainsKey(right) && _ids.ContainsKey(left + right))
            {
                _ranks.TryAdd((left, right), _ranks.Count);
            }
        }

        _addedPattern = _addedIds.Count == 0
            ? null
            : new Regex(
                string.Join('|', _addedIds.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).Select(Regex.Escape)),
                RegexOptions.CultureInvariant);
        var templateBos = definition.TemplateBosId < VocabularySize ? definition.TemplateBosId : null;
        BosTokenId = IdOf(EndOfText) ?? templateBos
            ?? BosNames.Select(n => _addedIds.TryGetValue(n, out var id) ? id : (int?)null).FirstOrDefault(id => id is not null);
    }

    /// <summary>Where the tokenizer came from (file paths), for error messages.</summary>
    public string Source { get; }

    public string Name => "bpe";

    /// <summary>One more than the largest id of the vocabulary and the added tokens.</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// The id of &lt;|endoftext|&gt;; else the first special token of tokenizer.json's post_processor;
    /// else an added &lt;s&gt;, &lt;bos&gt;, &lt;|begin_of_text|&gt; or &lt;|startoftext|&gt;; else null.
    /// </summary>
    public int? BosTokenId { get; }

    /// <summary>Reads a HuggingFace vocab.json (token → id object) and its merges.txt.</summary>
    public static ByteLevelBpeTokenizer LoadHuggingFace(string vocabJson, string mergesTxt) =>
        new(HuggingFaceBpeFiles.Read(vocabJson, mergesTxt));

    /// <summary>Reads a HuggingFace tokenizer.json whose model is BPE behind a ByteLevel pre-tokenizer.</summary>
    public static ByteLevelBpeTokenizer LoadTokenizerJson(string path) => new(TokenizerJsonFile.Read(path));

    /// <summary>The id of a token or added token, or null.</summary>
    public int? IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_normalizeNfc)
        {
            text = Nfc(text);
        }

        var ids = new List<int>();
        var start = 0;
        if (_addedPattern is not null)
        {
            foreach (Match match in _addedPattern.Matches(text))
            {
                EncodePlain(text[start..match.Index], ids);
                ids.Add(_addedIds[match.Value]);
                start = match.Index + match.Length;
            }
        }

        EncodePlain(text[start..], ids);
        return ids;
    }

    /// <summary>
    /// tokenizer.json's NFC normalizer (GPT-NeoX). Builds with invariant globalization have no Unicode tables: there the
    /// text is used as given, which is the same for text already in NFC (ASCII, and what keyboards and editors produce).
    /// </summary>
    private static string Nfc(string text)
    {
        try
        {
            return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        }
        catch (PlatformNotSupportedException)
        {
            return text;
        }
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        TokenizerLoader.CheckIds(list, VocabularySize, $"{Source}: decode");
        var bytes = new List<byte>();
        for (var i = 0; i < list.Count; i++)
        {
            AppendBytes(list[i], i, bytes);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>
    /// The token's text, e.g. " Mary". A token that is only part of a multi-byte character shows as U+FFFD.
    /// </summary>
    public string TokenToString(int id)
    {
        TokenizerLoader.CheckIds([id], VocabularySize, $"{Source}: token");
        var bytes = new List<byte>();
        AppendBytes(id, 0, bytes);
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private void EncodePlain(string text, List<int> ids)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (_addPrefixSpace && text[0] != ' ')
        {
            text = " " + text;
        }

        var words = _useRegex ? Gpt2PreTokenizer.Words(text) : [text];
        foreach (var word in words)
        {
            var symbols = ByteLevelAlphabet.ToText(Encoding.UTF8.GetBytes(word));
            if (!_cache.TryGetValue(symbols, out var wordIds))
            {
                wordIds = EncodeWord(symbols);
                if (_cache.Count < MaxCachedWords)
                {
                    _cache.TryAdd(symbols, wordIds);
                }
            }

            ids.AddRange(wordIds);
        }
    }

    /// <summary>BPE on one word in byte characters: merge the adjacent pair of lowest rank until none is left.</summary>
    private int[] EncodeWord(string word)
    {
        if (_ignoreMerges && _ids.TryGetValue(word, out var whole))
        {
            return [whole];
        }

        var symbols = new List<string>(word.Length);
        foreach (var c in word)
        {
            symbols.Add(c.ToString());
        }

        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    (best, bestRank) = (i, rank);
                }
            }

            if (best < 0)
            {
                break;
            }

            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }

        return [.. symbols.Select(s => _ids.TryGetValue(s, out var id) ? id : throw Unknown(s))];
    }

    private BadInputException Unknown(string symbol)
    {
        var bytes = symbol.Select(c => ByteLevelAlphabet.TryToByte(c, out var b) ? $"0x{b:X2}" : "?");
        return new BadInputException(
            $"{Source}: the byte-level symbol '{symbol}' (bytes {string.Join(' ', bytes)}) is not in the vocabulary");
    }

    private void AppendBytes(int id, int index, List<byte> bytes)
    {
        var token = _tokens[id] ?? throw new BadInputException(
            $"{Source}: token id {id} at index {index} has no token (the vocabulary skips it)");
        if (_isAdded[id])
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(token));
            return;
        }

        foreach (var c in token)
        {
            if (ByteLevelAlphabet.TryToByte(c, out var b))
            {
                bytes.Add(b);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }
}
