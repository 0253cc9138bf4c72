using CircuitFinder.Model.Checkpoints;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// Saves a model in the TransformerLens layout: <c>config.json</c> in <c>HookedTransformerConfig</c> keys and
/// <c>model.safetensors</c> in TransformerLens keys (plus <c>vocab.json</c> for a plain-vocabulary tokenizer),
/// each file written atomically. Grouped-query models store their key/value weights as TransformerLens does,
/// <c>blocks.{l}.attn._W_K</c> etc. <see cref="ModelLoader"/> loads the folder back.
/// </summary>
public static class TransformerLensSaver
{
    public static void Save(HookedTransformer model, string folder, ITokenizer? tokenizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(folder);
        var weights = model.ToStateDict();
        if (model.Config.KeyValueGroupSize > 1)
        {
            weights = weights.ToDictionary(
                kv => System.Text.RegularExpressions.Regex.Replace(kv.Key, @"^(blocks\.\d+\.attn\.)([Wb]_[KV])$", "$1_$2"), kv => kv.Value, StringComparer.Ordinal);
        }

        try
        {
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights, metadata);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }

        JsonFiles.WriteIndented(Path.Combine(folder, "config.json"), ConfigJson.ToTransformerLens(model.Config));
        if (tokenizer is PlainVocabularyTokenizer plain)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, "vocab.json"), JsonConvert.SerializeObject(plain.Tokens, Formatting.Indented) + "\n");
        }
    }
}
