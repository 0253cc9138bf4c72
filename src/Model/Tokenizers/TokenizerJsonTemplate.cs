using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Tokenizers;

/// <summary>The beginning-of-sequence token a tokenizer.json's post_processor puts first, when that is obvious.</summary>
internal static class TokenizerJsonTemplate
{
    /// <summary>
    /// TemplateProcessing: the first special token of the "single" template; RobertaProcessing and
    /// BertProcessing: the cls token; Sequence: the first of its processors that has one; else null.
    /// </summary>
    public static int? BosId(JToken? postProcessor, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<AddedToken> added)
    {
        if (postProcessor is not JObject obj)
        {
            return null;
        }

        switch ((string?)obj["type"])
        {
            case "TemplateProcessing":
                if (obj["single"] is JArray { Count: > 0 } single
                    && single[0]["SpecialToken"]?["id"] is { Type: JTokenType.String } name)
                {
                    var ids = obj["special_tokens"]?[(string)name!]?["ids"] as JArray;
                    return ids is [JValue { Value: long id }] ? (int)id : IdOf((string)name!, vocabulary, added);
                }

                return null;
            case "RobertaProcessing" or "BertProcessing":
                return obj["cls"] is JArray { Count: 2 } cls && cls[1] is JValue { Value: long clsId } ? (int)clsId : null;
            case "Sequence":
                return (obj["processors"] as JArray)?.Select(p => BosId(p, vocabulary, added)).FirstOrDefault(id => id is not null);
            default:
                return null;
        }
    }

    private static int? IdOf(string token, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<AddedToken> added) =>
        added.FirstOrDefault(a => a.Content == token)?.Id ?? (vocabulary.TryGetValue(token, out var id) ? id : null);
}
