using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Tokenizer look-ups that generators use to test single-token constraints: text a tokenizer cannot encode (a plain
/// vocabulary lacking a word's characters) counts as not encodable instead of failing the whole task.
/// </summary>
internal static class TokenText
{
    /// <summary>The ids of <paramref name="text"/>, or null when the tokenizer cannot encode it.</summary>
    public static IReadOnlyList<int>? TryEncode(ITokenizer tokenizer, string text)
    {
        try
        {
            return tokenizer.Encode(text);
        }
        catch (BadInputException)
        {
            return null;
        }
    }

    /// <summary>The id of <paramref name="text"/> when it encodes to exactly one token, else null.</summary>
    public static int? TrySingle(ITokenizer tokenizer, string text) =>
        TryEncode(tokenizer, text) is { Count: 1 } ids ? ids[0] : null;

    /// <summary>Every index at which <paramref name="id"/> occurs, in order.</summary>
    public static List<int> PositionsOf(IReadOnlyList<int> ids, int id)
    {
        var positions = new List<int>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                positions.Add(i);
            }
        }

        return positions;
    }

    /// <summary>Whether <paramref name="ids"/> is <paramref name="prefix"/> followed by exactly <paramref name="last"/>.</summary>
    public static bool IsPrefixPlusOne(IReadOnlyList<int> ids, IReadOnlyList<int> prefix, int last) =>
        ids.Count == prefix.Count + 1 && ids[^1] == last && ids.Take(prefix.Count).SequenceEqual(prefix);
}
