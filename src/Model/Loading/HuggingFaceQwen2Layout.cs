using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Qwen2 (<c>model_type</c> qwen2): Llama's layout with biases on <c>q_proj</c>, <c>k_proj</c> and
/// <c>v_proj</c> (none on <c>o_proj</c>), as TransformerLens' <c>convert_qwen2_weights</c>. <c>sliding_window</c> applies
/// only when <c>use_sliding_window</c> is true (then to layers from <c>max_window_layers</c> on, as Qwen2Config's
/// <c>layer_types</c>; an explicit <c>layer_types</c> is honoured); public checkpoints carry unused values.
/// </summary>
public sealed class HuggingFaceQwen2Layout : ICheckpointLayout
{
    public string Name => "huggingface-qwen2";

    public bool Recognises(JObject config) => (string?)config["model_type"] == "qwen2";

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string source = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, source);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        var format = new DecoderFormat { Family = "Qwen2", QkvBias = true, Tied = new JsonFields(json, source).OptionalBool("tie_word_embeddings") ?? false };
        return new ConvertedCheckpoint(config, DecoderWeights.Convert(config, checkpoint, format, source), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        var common = DecoderConfig.Common(read, source, "qwen2", "Qwen2ForCausalLM");
        DecoderConfig.Activation(read, source, "Qwen2", "hidden_act", "silu", "silu", "swish");
        bool sliding = read.OptionalBool("use_sliding_window") ?? false;
        int? window = sliding ? read.OptionalInt("sliding_window") : null;
        int firstWindowed = read.OptionalInt("max_window_layers") ?? common.NLayers;
        var (types, size) = DecoderConfig.Windows(json, source, common.NLayers, window, l => l >= firstWindowed);
        return (common with { AttnTypes = types, WindowSize = size }).Validate(source);
    }
}
