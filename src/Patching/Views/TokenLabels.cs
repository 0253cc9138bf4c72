using System.Globalization;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Patching.Views;

/// <summary>How views label tokens and positions: the tokenizer's display string (the id where there is none).</summary>
public static class TokenLabels
{
    /// <summary>The display string of <paramref name="id"/>, or <c>#id</c> without a tokenizer (or for an id beyond it).</summary>
    public static string Token(ITokenizer? tokenizer, int id) =>
        tokenizer is not null && id >= 0 && id < tokenizer.VocabularySize
            ? tokenizer.TokenToString(id)
            : string.Create(CultureInfo.InvariantCulture, $"#{id}");

    /// <summary>One label per position, <c>{position}:{token}</c>.</summary>
    public static IReadOnlyList<string> Positions(ITokenizer? tokenizer, IReadOnlyList<int> ids) =>
        ids.Select((id, i) => string.Create(CultureInfo.InvariantCulture, $"{i}:{Token(tokenizer, id)}")).ToList();
}
