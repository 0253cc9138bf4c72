using System.Globalization;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// Reads a token argument such as <c>--answer " Mary"</c>: text that the model's tokenizer encodes to exactly one token,
/// or <c>#ID</c> for a token id (a plain number also, where the model has no tokenizer). Anything else is a
/// <see cref="BadInputException"/> naming the option and what the text encodes to.
/// </summary>
public static class SingleToken
{
    public static int Parse(string text, ITokenizer? tokenizer, int vocabularySize, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('#') && int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int forced))
        {
            return CheckId(forced, vocabularySize, option);
        }

        if (tokenizer is null)
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                ? CheckId(id, vocabularySize, option)
                : throw new BadInputException($"{option}: '{text}' is not a token id, and the model has no tokenizer to read text with (give an id, e.g. #12)");
        }

        var ids = tokenizer.Encode(text);
        if (ids.Count != 1)
        {
            string pieces = string.Join(" | ", ids.Select(i => $"'{TokenLabels.Token(tokenizer, i)}'"));
            throw new BadInputException(
                $"{option}: '{text}' is not a single token: the tokenizer reads it as {ids.Count} tokens{(ids.Count > 0 ? $" ({pieces})" : string.Empty)} (mind the leading space, e.g. \" Mary\"; or give an id, #12)");
        }

        return CheckId(ids[0], vocabularySize, option);
    }

    private static int CheckId(int id, int vocabularySize, string option) =>
        id >= 0 && id < vocabularySize
            ? id
            : throw new BadInputException($"{option}: token id {id} is outside the model's output vocabulary 0..{vocabularySize - 1}");
}
