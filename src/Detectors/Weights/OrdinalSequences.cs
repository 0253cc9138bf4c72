using System.Globalization;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// The ordinal sequences of Gould et al. 2023 ("Successor Heads"): numbers, number words, ordinals, days, months and
/// letters, each element tokenized by the model's tokenizer — with a leading space when that is one token, else bare —
/// and kept only where it is a single token.
/// </summary>
public static class OrdinalSequences
{
    /// <summary>The sequences as words, by name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Words { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["numbers"] = Enumerable.Range(0, 101).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(),
        ["number-words"] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
        ["ordinals"] = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"],
        ["days"] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        ["months"] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        ["letters"] = Enumerable.Range('A', 26).Select(c => ((char)c).ToString()).ToList(),
    };

    /// <summary>
    /// Each sequence as token ids (null where an element is not a single token below <paramref name="vocabulary"/>),
    /// by name.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int?>> Tokenize(ITokenizer tokenizer, int vocabulary)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Words.ToDictionary(w => w.Key, w => (IReadOnlyList<int?>)w.Value.Select(word => Single(tokenizer, " " + word, vocabulary) ?? Single(tokenizer, word, vocabulary)).ToList());
    }

    private static int? Single(ITokenizer tokenizer, string text, int vocabulary)
    {
        try
        {
            var ids = tokenizer.Encode(text);
            return ids.Count == 1 && ids[0] < vocabulary ? ids[0] : null;
        }
        catch (BadInputException)
        {
            return null; // a plain vocabulary without the word
        }
    }
}
