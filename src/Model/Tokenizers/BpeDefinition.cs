namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// Everything a <see cref="ByteLevelBpeTokenizer"/> is built from, as read from vocab.json + merges.txt
/// or from a tokenizer.json. Merges are in rank order (first merge = highest priority); TemplateBosId is
/// the first special token of tokenizer.json's post_processor template, when there is one; NormalizeNfc is set by a
/// tokenizer.json whose normalizer is Unicode NFC (GPT-NeoX / Pythia).
/// </summary>
internal sealed record BpeDefinition(
    string Source,
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    int? TemplateBosId,
    bool AddPrefixSpace = false,
    bool UseRegex = true,
    bool IgnoreMerges = false,
    bool NormalizeNfc = false);
