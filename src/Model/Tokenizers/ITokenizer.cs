namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// Turns text into token ids and back. Encoding never adds special tokens: callers that want a
/// beginning-of-sequence token prepend <see cref="BosTokenId"/> themselves.
/// </summary>
public interface ITokenizer
{
    /// <summary>A short name for messages and reports, e.g. "gpt2".</summary>
    string Name { get; }

    /// <summary>Number of ids the tokenizer can produce: every id is in [0, VocabularySize).</summary>
    int VocabularySize { get; }

    /// <summary>The beginning-of-sequence token, or null when the vocabulary has none.</summary>
    int? BosTokenId { get; }

    IReadOnlyList<int> Encode(string text);

    /// <summary>The text of a sequence of ids; an id outside the vocabulary is a <see cref="BadInputException"/>.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>The display form of one token, with its leading space if it has one (e.g. " Mary").</summary>
    string TokenToString(int id);
}
