using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>Finds the tokenizer that goes with a model folder, and checks token ids against d_vocab.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// The tokenizer for the model in <paramref name="folder"/>:
    /// a vocab.json holding a JSON array → <see cref="PlainVocabularyTokenizer"/>;
    /// a vocab.json object beside merges.txt (HuggingFace BPE) → <see cref="Gpt2Tokenizer"/> when it
    /// is GPT-2's own 50,257-token vocabulary and the model type is gpt2, else null (not supported yet);
    /// no vocab.json, a gpt2 model and d_vocab ≥ 50,257 → <see cref="Gpt2Tokenizer"/>;
    /// otherwise null: the model has no tokenizer and callers must be given token ids.
    /// </summary>
    public static ITokenizer? ForModelFolder(string folder, int dVocab, string? modelType)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var isGpt2 = string.Equals(modelType, "gpt2", StringComparison.OrdinalIgnoreCase);
        var vocabPath = Path.Combine(folder, "vocab.json");
        if (!File.Exists(vocabPath))
        {
            return isGpt2 && dVocab >= Gpt2Tokenizer.GptVocabularySize ? Gpt2Tokenizer.Instance : null;
        }

        var json = VocabularyFile.Read(vocabPath);
        if (json is JObject vocabObject)
        {
            var isGpt2Vocabulary = File.Exists(Path.Combine(folder, "merges.txt"))
                && vocabObject.Count == Gpt2Tokenizer.GptVocabularySize
                && isGpt2;
            return isGpt2Vocabulary ? Fitting(Gpt2Tokenizer.Instance, dVocab, vocabPath) : null;
        }

        var plain = PlainVocabularyTokenizer.FromTokens(VocabularyFile.TokenStrings(json, vocabPath), vocabPath);
        return Fitting(plain, dVocab, vocabPath);
    }

    /// <summary>
    /// Throws a <see cref="BadInputException"/> naming <paramref name="what"/>, the first id outside
    /// [0, <paramref name="dVocab"/>) and its index.
    /// </summary>
    public static void CheckIds(IEnumerable<int> ids, int dVocab, string what)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dVocab);
        var index = 0;
        foreach (var id in ids)
        {
            if (id < 0 || id >= dVocab)
            {
                throw new BadInputException(
                    $"{what}: token id {id} at index {index} is outside the vocabulary (d_vocab = {dVocab})");
            }

            index++;
        }
    }

    private static ITokenizer Fitting(ITokenizer tokenizer, int dVocab, string vocabPath)
    {
        if (tokenizer.VocabularySize > dVocab)
        {
            throw new BadInputException(
                $"{vocabPath}: the vocabulary has {tokenizer.VocabularySize} tokens but the model's d_vocab is {dVocab}");
        }

        return tokenizer;
    }
}
