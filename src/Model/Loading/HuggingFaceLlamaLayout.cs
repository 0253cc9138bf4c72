using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Llama (<c>model_type</c> llama): RMSNorm, rotary embeddings over the whole head (rotate-half form,
/// <c>rope_theta</c>; Llama 3.1/3.2's <c>rope_type: llama3</c> scaling), a SwiGLU MLP (<c>gate_proj</c>, <c>up_proj</c>,
/// <c>down_proj</c>), no biases unless <c>attention_bias</c> / <c>mlp_bias</c>, and grouped-query attention
/// (<c>num_key_value_heads</c>) kept grouped: the <c>k_proj</c>/<c>v_proj</c> heads become <c>W_K</c>/<c>W_V
/// [n_key_value_heads, d_model, d_head]</c>, never repeated. <c>lm_head</c> may be tied to <c>embed_tokens</c> and absent;
/// <c>rotary_emb.inv_freq</c> buffers are ignored. Converted as TransformerLens' <c>convert_llama_weights</c>
/// (<see cref="DecoderWeights"/>).
/// </summary>
public sealed class HuggingFaceLlamaLayout : ICheckpointLayout
{
    public string Name => "huggingface-llama";

    public bool Recognises(JObject config) =>
        (string?)config["model_type"] == "llama"
        || (config["model_type"] is null && (config["architectures"] as JArray)?.Any(a => (string?)a is "LlamaForCausalLM" or "LlamaModel") == true);

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string source = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, source);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        var read = new JsonFields(json, source);
        bool attentionBias = read.OptionalBool("attention_bias") ?? false, mlpBias = read.OptionalBool("mlp_bias") ?? false;
        var format = new DecoderFormat
        {
            Family = "Llama",
            QkvBias = attentionBias,
            OutputBias = attentionBias,
            MlpBias = mlpBias,
            Tied = read.OptionalBool("tie_word_embeddings") ?? false,
        };
        return new ConvertedCheckpoint(config, DecoderWeights.Convert(config, checkpoint, format, source), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        var common = DecoderConfig.Common(read, source, "llama", "LlamaForCausalLM");
        DecoderConfig.Activation(read, source, "Llama", "hidden_act", "silu", "silu", "swish");
        return common.Validate(source);
    }
}
