using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Mistral (<c>model_type</c> mistral): Llama's layout and key names, with a sliding window on every layer
/// when <c>sliding_window</c> is set (a query at i sees keys j with i − w &lt; j ≤ i, as HuggingFace's masks;
/// <c>layer_types</c> honoured when given) and an explicit <c>head_dim</c> that may differ from hidden_size / heads
/// (Mistral-Nemo).
/// </summary>
public sealed class HuggingFaceMistralLayout : ICheckpointLayout
{
    public string Name => "huggingface-mistral";

    public bool Recognises(JObject config) => (string?)config["model_type"] == "mistral";

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string source = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, source);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        var format = new DecoderFormat { Family = "Mistral", Tied = new JsonFields(json, source).OptionalBool("tie_word_embeddings") ?? false };
        return new ConvertedCheckpoint(config, DecoderWeights.Convert(config, checkpoint, format, source), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        var common = DecoderConfig.Common(read, source, "mistral", "MistralForCausalLM");
        DecoderConfig.Activation(read, source, "Mistral", "hidden_act", "silu", "silu", "swish");
        var (types, window) = DecoderConfig.Windows(json, source, common.NLayers, read.OptionalInt("sliding_window"), _ => true);
        return (common with { AttnTypes = types, WindowSize = window }).Validate(source);
    }
}
