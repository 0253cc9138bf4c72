using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Loading;

/// <summary>
/// HuggingFace Gemma 2 (<c>model_type</c> gemma2), converted as TransformerLens' <c>convert_gemma_weights</c>
/// (<see cref="DecoderWeights"/>): embeddings scaled by √hidden_size (folded into <c>W_E</c>), RMSNorm with (1 + w)
/// (folded into the stored weights), four norms per layer (<c>ln1</c>, <c>ln1_post</c> on the attention output,
/// <c>ln2</c> before the MLP, <c>ln2_post</c> on the MLP output), GeGLU with the tanh GELU, scores scaled by
/// <c>query_pre_attn_scalar</c>^−½ and soft-capped (<c>attn_logit_softcapping</c>) before the mask, sliding-window and
/// global layers alternating from layer 0 (local first) unless <c>layer_types</c> says otherwise, logits soft-capped
/// (<c>final_logit_softcapping</c>), <c>lm_head</c> tied to <c>embed_tokens</c>.
/// </summary>
public sealed class HuggingFaceGemma2Layout : ICheckpointLayout
{
    public string Name => "huggingface-gemma2";

    public bool Recognises(JObject config) => (string?)config["model_type"] == "gemma2";

    public ConvertedCheckpoint Read(string folder, JObject json, string? weightsFile)
    {
        string source = Path.Combine(folder, "config.json");
        var config = ReadConfig(json, source);
        using var checkpoint = HuggingFaceCheckpoint.Open(folder, weightsFile, config.NLayers, "num_hidden_layers");
        var format = new DecoderFormat { Family = "Gemma 2", Gemma = true, Tied = new JsonFields(json, source).OptionalBool("tie_word_embeddings") ?? true };
        return new ConvertedCheckpoint(config, DecoderWeights.Convert(config, checkpoint, format, source), checkpoint.File);
    }

    internal static HookedTransformerConfig ReadConfig(JObject json, string source)
    {
        var read = new JsonFields(json, source);
        var common = DecoderConfig.Common(read, source, "gemma2", "Gemma2ForCausalLM");
        string field = read.Has("hidden_activation") ? "hidden_activation" : "hidden_act";
        var act = DecoderConfig.Activation(read, source, "Gemma 2", field, "gelu_pytorch_tanh", "gelu_pytorch_tanh", "gelu_new", "gelu_fast");
        double scalar = read.OptionalDouble("query_pre_attn_scalar") ?? common.DHead;
        if (!(scalar > 0))
        {
            throw new BadInputException($"{source}: query_pre_attn_scalar must be positive, got {scalar}");
        }

        var (types, window) = DecoderConfig.Windows(json, source, common.NLayers, read.OptionalInt("sliding_window"), l => l % 2 == 0);
        return (common with
        {
            ActFn = act,
            AttnScale = Math.Sqrt(scalar),
            AttnScoresSoftCap = read.OptionalDouble("attn_logit_softcapping") ?? -1,
            OutputLogitsSoftCap = read.OptionalDouble("final_logit_softcapping") ?? -1,
            UseNormalizationBeforeAndAfter = true,
            AttnTypes = types,
            WindowSize = window,
        }).Validate(source);
    }
}
