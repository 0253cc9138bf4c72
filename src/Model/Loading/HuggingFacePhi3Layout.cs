using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Phi-3 (<c>model_type</c> phi3): a fused <c>qkv_proj</c> (rows [q | k | v]) and <c>gate_up_proj</c> (rows
/// [gate | up]), split as TransformerLens' <c>convert_phi3_weights</c>; MLP = down(up · silu(gate)); rotary on the first
/// <c>partial_rotary_factor</c> of each head's dims (Phi-4-mini); a sliding window on every layer when
/// <c>sliding_window</c> is set.
/// </summary>
public sealed class HuggingFacePhi3Layout : ICheckpointLayout
{
    public string Name => "huggingface-phi3";

    public bool Recognises(JObject config) => (string?)config["model_type"] == "phi3";

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string source = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, source);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        var format = new DecoderFormat { Family = "Phi-3", Fused = true, Tied = new JsonFields(json, source).OptionalBool("tie_word_embeddings") ?? false };
        return new ConvertedCheckpoint(config, DecoderWeights.Convert(config, checkpoint, format, source), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        var common = DecoderConfig.Common(read, source, "phi3", "Phi3ForCausalLM");
        DecoderConfig.Activation(read, source, "Phi-3", "hidden_act", "silu", "silu", "swish");
        double factor = read.OptionalDouble("partial_rotary_factor") ?? 1.0;
        if (!(factor > 0 && factor <= 1))
        {
            throw new BadInputException($"{source}: partial_rotary_factor must be in (0, 1], got {factor}");
        }

        int rotary = (int)(common.DHead * factor);
        if (rotary < 2 || rotary % 2 != 0)
        {
            throw new BadInputException($"{source}: partial_rotary_factor {factor} × head_dim {common.DHead} = {rotary} rotating dims; they must be even and at least 2");
        }

        var (types, window) = DecoderConfig.Windows(json, source, common.NLayers, read.OptionalInt("sliding_window"), _ => true);
        return (common with { RotaryDim = rotary, AttnTypes = types, WindowSize = window }).Validate(source);
    }
}
