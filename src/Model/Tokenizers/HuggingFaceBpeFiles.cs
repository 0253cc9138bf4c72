namespace CircuitFinder.Model.Tokenizers;

/// <summary>Reads HuggingFace's two-file BPE format: vocab.json (token → id) and merges.txt.</summary>
internal static class HuggingFaceBpeFiles
{
    private const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// The vocabulary and merges; &lt;|endoftext|&gt;, when in the vocabulary, is an added special token
    /// (as in HuggingFace's GPT2Tokenizer) so that it is matched whole in the text.
    /// </summary>
    public static BpeDefinition Read(string vocabJson, string mergesTxt)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(mergesTxt);
        var vocabulary = VocabularyFile.TokenIds(VocabularyFile.Read(vocabJson), vocabJson, "vocab.json");
        var merges = ReadMerges(mergesTxt);
        List<AddedToken> added = vocabulary.TryGetValue(EndOfText, out var eot) ? [new AddedToken(eot, EndOfText, true)] : [];
        return new BpeDefinition($"{vocabJson} + {Path.GetFileName(mergesTxt)}", vocabulary, merges, added, TemplateBosId: null);
    }

    /// <summary>
    /// The merges of a merges.txt, in rank order: one "left right" pair per line; a first line
    /// starting with "#version" and blank lines are skipped.
    /// </summary>
    public static List<(string Left, string Right)> ReadMerges(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: merges file not found");
        }

        var merges = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var raw in InputFile.ReadAllLines(path))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if ((lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)) || line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new BadInputException(
                    $"{path}: line {lineNumber}: expected two symbols separated by one space, found '{line}'");
            }

            merges.Add((parts[0], parts[1]));
        }

        return merges;
    }
}
