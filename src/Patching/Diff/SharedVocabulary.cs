using System.Globalization;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Whether two models read text the same way: a text (or a task) is tokenized once, for model A, so B must have the same
/// tokenizer, token for token; otherwise only token ids (which both vocabularies hold) can be compared.
/// </summary>
public static class SharedVocabulary
{
    /// <summary>Null where <paramref name="a"/> and <paramref name="b"/> are the same vocabulary, else the first difference.</summary>
    public static string? Difference(ITokenizer? a, ITokenizer? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? "neither model has a tokenizer" : a is null ? "A has no tokenizer" : "B has no tokenizer";
        }

        if (a.VocabularySize != b.VocabularySize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"A's tokenizer has {a.VocabularySize} tokens, B's {b.VocabularySize}");
        }

        if (a.BosTokenId != b.BosTokenId)
        {
            return $"A's BOS token is {a.BosTokenId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, B's {b.BosTokenId?.ToString(CultureInfo.InvariantCulture) ?? "none"}";
        }

        for (int id = 0; id < a.VocabularySize; id++)
        {
            string x = a.TokenToString(id), y = b.TokenToString(id);
            if (!string.Equals(x, y, StringComparison.Ordinal))
            {
                return string.Create(CultureInfo.InvariantCulture, $"token {id} is '{x}' in A and '{y}' in B");
            }
        }

        return null;
    }
}
