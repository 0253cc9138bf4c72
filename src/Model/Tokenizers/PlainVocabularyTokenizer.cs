using System.Globalization;
using System.Text;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// A toy model's vocabulary: a list of token strings whose index is the id, usually a vocab.json
/// holding a JSON array. Encoding takes the longest token that matches at each position, left to
/// right; whitespace that begins no token separates tokens and is skipped. Decoding concatenates
/// the tokens, or joins them with single spaces when no token contains whitespace (word vocabularies).
/// </summary>
public sealed class PlainVocabularyTokenizer : ITokenizer
{
    private static readonly string[] BosNames = ["<bos>", "[start]", "<s>", "<|endoftext|>"];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly int _longestToken;
    private readonly bool _joinWithSpaces;

    private PlainVocabularyTokenizer(IReadOnlyList<string> tokens, string source)
    {
        Source = source;
        _tokens = [.. tokens];
        if (_tokens.Length == 0)
        {
            throw new BadInputException($"{source}: the vocabulary is empty");
        }

        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        for (var i = 0; i < _tokens.Length; i++)
        {
            var token = _tokens[i] ?? throw new BadInputException($"{source}: token at index {i} is null, expected a string");
            if (!_ids.TryAdd(token, i))
            {
                duplicates.Add($"'{token}' (ids {_ids[token]} and {i})");
            }
        }

        if (duplicates.Count > 0)
        {
            var shown = string.Join(", ", duplicates.Take(5));
            var more = duplicates.Count > 5 ? $" and {duplicates.Count - 5} more" : string.Empty;
            throw new BadInputException($"{source}: duplicate tokens {shown}{more}");
        }

        _longestToken = _tokens.Max(t => t.Length);
        _joinWithSpaces = !_tokens.Any(t => t.Any(char.IsWhiteSpace));
        BosTokenId = BosNames.Select(n => _ids.TryGetValue(n, out var id) ? id : (int?)null).FirstOrDefault(id => id is not null);
    }

    /// <summary>Where the vocabulary came from (a file path), for error messages.</summary>
    public string Source { get; }

    /// <summary>The tokens; the index is the id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    public string Name => "plain";

    public int VocabularySize => _tokens.Length;

    /// <summary>The id of &lt;bos&gt;, [start], &lt;s&gt; or &lt;|endoftext|&gt; (first found in that order), else null.</summary>
    public int? BosTokenId { get; }

    /// <summary>Reads a vocab.json holding a JSON array of token strings.</summary>
    public static PlainVocabularyTokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new PlainVocabularyTokenizer(VocabularyFile.TokenStrings(VocabularyFile.Read(path), path), path);
    }

    /// <summary>A vocabulary given in code; <paramref name="source"/> names it in error messages.</summary>
    public static PlainVocabularyTokenizer FromTokens(IEnumerable<string> tokens, string source = "vocabulary")
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new PlainVocabularyTokenizer([.. tokens], source);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var i = 0;
        while (i < text.Length)
        {
            if (TryMatch(text, i, out var id, out var length))
            {
                ids.Add(id);
                i += length;
            }
            else if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else
            {
                throw new BadInputException(
                    $"{Source}: no token matches the character {Describe(text, i)} at index {i} of the text");
            }
        }

        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        TokenizerLoader.CheckIds(list, VocabularySize, $"{Source}: decode");
        return string.Join(_joinWithSpaces ? " " : string.Empty, list.Select(id => _tokens[id]));
    }

    public string TokenToString(int id)
    {
        TokenizerLoader.CheckIds([id], VocabularySize, $"{Source}: token");
        return _tokens[id];
    }

    private bool TryMatch(string text, int start, out int id, out int length)
    {
        for (length = Math.Min(_longestToken, text.Length - start); length > 0; length--)
        {
            if (_ids.TryGetValue(text.Substring(start, length), out id))
            {
                return true;
            }
        }

        id = -1;
        return false;
    }

    private static string Describe(string text, int index)
    {
        if (!Rune.TryGetRuneAt(text, index, out var rune))
        {
            var unpaired = ((int)text[index]).ToString("X4", CultureInfo.InvariantCulture);
            return $"U+{unpaired} (an unpaired surrogate)";
        }

        var code = rune.Value.ToString("X4", CultureInfo.InvariantCulture);
        return $"'{rune}' (U+{code})";
    }
}
