using System.Text.RegularExpressions;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;

namespace CircuitFinder.Tests.Tasks.Generators;

/// <summary>
/// Word vocabularies for <see cref="PlainVocabularyTokenizer"/> made from the texts of a generated task: every word and
/// punctuation mark seen, less the words a test wants missing.
/// </summary>
internal static partial class PlainVocabularies
{
    public static PlainVocabularyTokenizer FromTexts(TaskDataset dataset, Func<string, bool>? leaveOut = null)
    {
        var tokens = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var prompt in dataset.Prompts)
        {
            foreach (Match word in Word().Matches($"{prompt.CleanText} {prompt.CorruptText}"))
            {
                tokens.Add(word.Value);
            }
        }

        return PlainVocabularyTokenizer.FromTokens(tokens.Where(t => leaveOut is null || !leaveOut(t)), "test vocabulary");
    }

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex Word();
}
