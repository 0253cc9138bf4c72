using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>Finds the tokenizer that goes with a model folder, and checks token ids against d_vocab.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// The tokenizer for the model in <paramref name="folder"/>, the first that applies:
    /// a tokenizer.json (HuggingFace, BPE behind a ByteLevel pre-tokenizer) → <see cref="ByteLevelBpeTokenizer"/>;
    /// a vocab.json object beside merges.txt → <see cref="ByteLevelBpeTokenizer"/>;
    /// a vocab.json holding a JSON array → <see cref="PlainVocabularyTokenizer"/>;
    /// a tokenizer_vocab.json (scored pieces, llama2.c / SentencePiece style) → <see cref="ScoredPieceTokenizer"/>;
    /// no vocab.json, a gpt2 model and d_vocab ≥ 50,257 → <see cref="Gpt2Tokenizer"/>;
    /// otherwise (also a vocab.json object without merges.txt) null: callers must be given token ids.
    /// A HuggingFace vocabulary of GPT-2's 50,257 tokens on a gpt2 model gives the faster built-in
    /// <see cref="Gpt2Tokenizer"/>. A tokenizer with more tokens than d_vocab is a <see cref="BadInputException"/>.
    /// </summary>
    public static ITokenizer? ForModelFolder(string folder, int dVocab, string? modelType)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var isGpt2 = string.Equals(modelType, "gpt2", StringComparison.OrdinalIgnoreCase);
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(tokenizerPath))
        {
            var bpe = ByteLevelBpeTokenizer.LoadTokenizerJson(tokenizerPath);
            var isGpt2Tokenizer = isGpt2
                && bpe.VocabularySize == Gpt2Tokenizer.GptVocabularySize
                && bpe.BosTokenId == Gpt2Tokenizer.EndOfTextId;
            return Fitting(isGpt2Tokenizer ? Gpt2Tokenizer.Instance : bpe, dVocab, tokenizerPath);
        }

        var vocabPath = Path.Combine(folder, "vocab.json");
        var scoredPath = Path.Combine(folder, "tokenizer_vocab.json");
        if (!File.Exists(vocabPath) && File.Exists(scoredPath))
        {
            return Fitting(ScoredPieceTokenizer.Load(scoredPath), dVocab, scoredPath);
        }

        if (!File.Exists(vocabPath))
        {
            return isGpt2 && dVocab >= Gpt2Tokenizer.GptVocabularySize ? Gpt2Tokenizer.Instance : null;
        }

        var json = VocabularyFile.Read(vocabPath);
        if (json is JObject vocabObject)
        {
            var mergesPath = Path.Combine(folder, "merges.txt");
            if (!File.Exists(mergesPath))
            {
                return null;
            }

            return isGpt2 && vocabObject.Count == Gpt2Tokenizer.GptVocabularySize
                ? Fitting(Gpt2Tokenizer.Instance, dVocab, vocabPath)
                : Fitting(ByteLevelBpeTokenizer.LoadHuggingFace(vocabPath, mergesPath), dVocab, vocabPath);
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
