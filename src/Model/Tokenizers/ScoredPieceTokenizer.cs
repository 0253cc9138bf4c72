using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// A scored-piece vocabulary (llama2.c's <c>tokenizer.bin</c>, SentencePiece BPE with byte fallback) read from a
/// <c>tokenizer_vocab.json</c> <c>{"model": ..., "pieces": [...], "scores": [...]}</c>, where the index is the id.
/// Encoding: a leading space is added to the text unless it already starts with one (SentencePiece's dummy prefix),
/// every character becomes its piece (or, if it has none, one <c>&lt;0xNN&gt;</c> piece per UTF-8 byte), then the
/// adjacent pair whose concatenation is a piece with the highest score is merged (the leftmost on ties) until no pair
/// merges. Decoding concatenates pieces (byte pieces as bytes), skips <c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c>, and drops the
/// leading space of the first piece, so that <c>Encode(Decode(ids))</c> gives <c>ids</c> back.
/// </summary>
public sealed class ScoredPieceTokenizer : ITokenizer
{
    private readonly string[] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int?[] _byteIds = new int?[256];
    private readonly byte?[] _byteOf;
    private readonly HashSet<int> _special = [];

    private ScoredPieceTokenizer(string[] pieces, float[] scores, string source)
    {
        _pieces = pieces;
        _scores = scores;
        _byteOf = new byte?[pieces.Length];
        for (int i = 0; i < pieces.Length; i++)
        {
            string piece = pieces[i];
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
                && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                _byteIds[b] ??= i;
                _byteOf[i] = b;
                continue;
            }

            if (piece.Trim() is "<s>" or "</s>" or "<unk>")
            {
                _special.Add(i);
                if (piece.Trim() == "<s>")
                {
                    BosTokenId ??= i;
                }

                continue;
            }

            if (!_ids.TryAdd(piece, i))
            {
                throw new BadInputException($"{source}: piece '{piece}' appears twice (ids {_ids[piece]} and {i})");
            }
        }

        Source = source;
    }

    /// <summary>Where the vocabulary came from, for messages.</summary>
    public string Source { get; }

    public string Name => "scored-piece";

    public int VocabularySize => _pieces.Length;

    public int? BosTokenId { get; }

    /// <summary>Reads a <c>tokenizer_vocab.json</c>; errors name the file and the field.</summary>
    public static ScoredPieceTokenizer Load(string path)
    {
        JObject json;
        try
        {
            json = JObject.Parse(InputFile.ReadAllText(path));
        }
        catch (Newtonsoft.Json.JsonReaderException e)
        {
            throw new BadInputException($"{path}: not a valid JSON object ({e.Message})", e);
        }

        if (json["pieces"] is not JArray pieces || pieces.Count == 0)
        {
            throw new BadInputException($"{path}: missing non-empty list 'pieces'");
        }

        if (json["scores"] is not JArray scores || scores.Count != pieces.Count)
        {
            throw new BadInputException($"{path}: 'scores' must be a list of {pieces.Count} numbers, one per piece");
        }

        var text = pieces.Select((p, i) => p.Type == JTokenType.String
            ? (string)p!
            : throw new BadInputException($"{path}: pieces[{i}] must be a string")).ToArray();
        var values = scores.Select((s, i) => s.Type is JTokenType.Float or JTokenType.Integer
            ? (float)s
            : throw new BadInputException($"{path}: scores[{i}] must be a number")).ToArray();
        return new ScoredPieceTokenizer(text, values, path);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        if (text[0] != ' ')
        {
            text = " " + text;
        }

        var tokens = new List<int>();
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (_ids.TryGetValue(rune.ToString(), out int id))
            {
                tokens.Add(id);
                continue;
            }

            int n = rune.EncodeToUtf8(bytes);
            for (int i = 0; i < n; i++)
            {
                tokens.Add(_byteIds[bytes[i]] ?? throw new BadInputException(
                    $"{Source}: character '{rune}' has no piece and byte 0x{bytes[i]:X2} has no <0x{bytes[i]:X2}> piece"));
            }
        }

        while (true)
        {
            int best = -1, merged = -1;
            float bestScore = float.NegativeInfinity;
            for (int i = 0; i + 1 < tokens.Count; i++)
            {
                if (_ids.TryGetValue(_pieces[tokens[i]] + _pieces[tokens[i + 1]], out int id) && _scores[id] > bestScore)
                {
                    (best, merged, bestScore) = (i, id, _scores[id]);
                }
            }

            if (best < 0)
            {
                return tokens;
            }

            tokens[best] = merged;
            tokens.RemoveAt(best + 1);
        }
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        bool first = true;
        foreach (int id in ids)
        {
            if (id < 0 || id >= _pieces.Length)
            {
                throw new BadInputException($"token id {id} is outside the vocabulary ({_pieces.Length} pieces)");
            }

            if (_special.Contains(id))
            {
                continue;
            }

            if (_byteOf[id] is { } b)
            {
                bytes.Add(b);
            }
            else
            {
                string piece = first && _pieces[id].StartsWith(' ') ? _pieces[id][1..] : _pieces[id];
                bytes.AddRange(Encoding.UTF8.GetBytes(piece));
            }

            first = false;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public string TokenToString(int id) =>
        id >= 0 && id < _pieces.Length
            ? _pieces[id]
            : throw new BadInputException($"token id {id} is outside the vocabulary ({_pieces.Length} pieces)");
}
