using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// Reads a HuggingFace tokenizer.json holding a byte-level BPE: model.type BPE, no normalizer (or Unicode NFC, as
/// GPT-NeoX / Pythia have) and a ByteLevel pre-tokenizer (possibly the only kind inside a Sequence). Anything else is rejected
/// with a message naming the file and the field, since encoding it as GPT-2 would be wrong.
/// </summary>
internal static class TokenizerJsonFile
{
    public static BpeDefinition Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (VocabularyFile.Read(path, "tokenizer") is not JObject root)
        {
            throw new BadInputException($"{path}: expected a JSON object at the top level");
        }

        if (root["model"] is not JObject model)
        {
            throw new BadInputException($"{path}: model is {Found(root["model"])}, expected an object describing the BPE model");
        }

        var type = model["type"];
        if (type is not null && (type.Type != JTokenType.String || (string?)type != "BPE"))
        {
            throw new BadInputException($"{path}: model.type is {Shown(type)}; only BPE models are supported");
        }

        foreach (var field in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model[field] is { Type: not JTokenType.Null } value && (value.Type != JTokenType.String || (string?)value != string.Empty))
            {
                throw new BadInputException($"{path}: model.{field} is {Shown(value)}; byte-level BPE does not use one");
            }
        }

        bool nfc = false;
        if (root["normalizer"] is { Type: not JTokenType.Null } normalizer)
        {
            nfc = normalizer is JObject n && (string?)n["type"] == "NFC";
            if (!nfc)
            {
                throw new BadInputException(
                    $"{path}: normalizer is {Shown(normalizer["type"] ?? normalizer)}; only tokenizers without a normalizer or with NFC are supported");
            }
        }

        var vocabulary = VocabularyFile.TokenIds(model["vocab"], path, "model.vocab");
        var merges = Merges(model["merges"], path);
        var (addPrefixSpace, useRegex) = PreTokenizer(root["pre_tokenizer"], path, "pre_tokenizer");
        var added = AddedTokens(root["added_tokens"], path);
        var ignoreMerges = Flag(model, "ignore_merges", false, path, "model");
        return new BpeDefinition(
            path, vocabulary, merges, added, TokenizerJsonTemplate.BosId(root["post_processor"], vocabulary, added),
            addPrefixSpace, useRegex, ignoreMerges, nfc);
    }

    private static List<(string Left, string Right)> Merges(JToken? json, string path)
    {
        if (json is not JArray array)
        {
            throw new BadInputException($"{path}: model.merges is {Found(json)}, expected an array");
        }

        var merges = new List<(string, string)>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var parts = array[i] switch
            {
                { Type: JTokenType.String } s => ((string)s!).Split(' '),
                JArray pair when pair.All(p => p.Type == JTokenType.String) => [.. pair.Select(p => (string)p!)],
                _ => [],
            };
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new BadInputException(
                    $"{path}: model.merges[{i}] is {Shown(array[i])}, expected \"left right\" or [\"left\", \"right\"]");
            }

            merges.Add((parts[0], parts[1]));
        }

        return merges;
    }

    private static (bool AddPrefixSpace, bool UseRegex) PreTokenizer(JToken? json, string path, string field)
    {
        if (json is not JObject obj)
        {
            throw new BadInputException($"{path}: {field} is {Found(json)}; only a ByteLevel pre-tokenizer is supported");
        }

        switch ((string?)obj["type"])
        {
            case "ByteLevel":
                return (Flag(obj, "add_prefix_space", false, path, field), Flag(obj, "use_regex", true, path, field));
            case "Sequence" when obj["pretokenizers"] is JArray { Count: > 0 } items:
                var first = PreTokenizer(items[0], path, $"{field}.pretokenizers[0]");
                for (var i = 1; i < items.Count; i++)
                {
                    PreTokenizer(items[i], path, $"{field}.pretokenizers[{i}]");
                }

                return first;
            default:
                throw new BadInputException(
                    $"{path}: {field}.type is {Shown(obj["type"])}; only ByteLevel (possibly inside a Sequence) is supported");
        }
    }

    private static List<AddedToken> AddedTokens(JToken? json, string path)
    {
        if (json is null || json.Type == JTokenType.Null)
        {
            return [];
        }

        if (json is not JArray array)
        {
            throw new BadInputException($"{path}: added_tokens is {Found(json)}, expected an array");
        }

        var added = new List<AddedToken>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JObject token
                || token["id"] is not JValue { Value: long id } || id is < 0 or >= int.MaxValue
                || token["content"] is not { Type: JTokenType.String } content || ((string)content!).Length == 0)
            {
                throw new BadInputException(
                    $"{path}: added_tokens[{i}] is {Shown(array[i])}, expected {{\"id\": a non-negative integer, \"content\": a non-empty string}}");
            }

            added.Add(new AddedToken((int)id, (string)content!, Flag(token, "special", false, path, $"added_tokens[{i}]")));
        }

        return added;
    }

    private static bool Flag(JObject obj, string name, bool fallback, string path, string field) => obj[name] switch
    {
        null or { Type: JTokenType.Null } => fallback,
        { Type: JTokenType.Boolean } value => (bool)value,
        var value => throw new BadInputException($"{path}: {field}.{name} is {Shown(value)}, expected true or false"),
    };

    private static string Found(JToken? json) => json is null ? "missing" : VocabularyFile.Describe(json.Type);

    private static string Shown(JToken? json)
    {
        if (json is null)
        {
            return "missing";
        }

        var text = json.ToString(Newtonsoft.Json.Formatting.None);
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
