using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>One on-disk checkpoint layout (HuggingFace GPT-2, TransformerLens, ...): recognises its folders and converts them.</summary>
public interface ICheckpointLayout
{
    /// <summary>Short name shown by <c>info</c>, e.g. <c>huggingface-gpt2</c>.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="config"/> (the folder's <c>config.json</c>) is of this layout.</summary>
    bool Recognises(JObject config);

    /// <summary>
    /// Reads the config and weights and converts them to a <see cref="Config.HookedTransformerConfig"/> and
    /// TransformerLens keys. <paramref name="weightsFile"/> picks one weights file when the folder has several.
    /// </summary>
    ConvertedCheckpoint Read(string folder, JObject config, string? weightsFile);
}
