using System.Text.RegularExpressions;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>GPT-2's pre-tokenization: the text is cut into words by this pattern before BPE runs on each.</summary>
internal static partial class Gpt2PreTokenizer
{
    /// <summary>The words of <paramref name="text"/>, in order; together they are the whole text.</summary>
    public static IEnumerable<string> Words(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            yield return match.Value;
        }
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
