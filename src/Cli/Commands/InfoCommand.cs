using System.CommandLine;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary><c>circuitfinder info --model DIR [--json]</c>: config, parameter count, hook point names.</summary>
public static class InfoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("info", "Show a model's config, parameter count and hook points");
        model.AddTo(command);
        command.Add(json);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                using var loaded = model.Load(parse);
                var m = loaded.Model;
                var info = new JObject
                {
                    ["source"] = loaded.Source,
                    ["layout"] = loaded.Layout,
                    ["weights_file"] = loaded.WeightsFile,
                    ["weights_sha256"] = loaded.WeightsSha256,
                    ["tokenizer"] = loaded.Tokenizer?.Name,
                    ["processing"] = JObject.FromObject(new
                    {
                        fold_ln = loaded.Processing.FoldLn,
                        center_writing_weights = loaded.Processing.CenterWritingWeights,
                        center_unembed = loaded.Processing.CenterUnembed,
                        fold_value_biases = loaded.Processing.FoldValueBiases,
                    }),
                    ["parameter_count"] = m.ParameterCount,
                    ["config"] = ConfigJson.ToTransformerLens(m.Config),
                    ["hook_points"] = new JArray(m.HookNames),
                };
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(info));
                    return ExitCodes.Success;
                }

                var c = m.Config;
                stdout.WriteLine($"model       {loaded.Source}");
                stdout.WriteLine($"layout      {loaded.Layout} ({Path.GetFileName(loaded.WeightsFile)}, sha256 {loaded.WeightsSha256[..16]}…)");
                stdout.WriteLine($"shape       n_layers={c.NLayers} d_model={c.DModel} n_heads={c.NHeads} d_head={c.DHead} d_mlp={(c.AttnOnly ? "-" : c.DMlp.ToString())} d_vocab={c.DVocab} d_vocab_out={c.EffectiveDVocabOut} n_ctx={c.NCtx}");
                stdout.WriteLine($"arch        act_fn={ConfigJson.FormatActivation(c.ActFn)} normalization={c.NormalizationType} positions={c.PositionalEmbeddingType.ToString().ToLowerInvariant()} attention={c.AttentionDir.ToString().ToLowerInvariant()} attn_only={c.AttnOnly.ToString().ToLowerInvariant()}{ArchitectureDetails(c)}");
                stdout.WriteLine($"processing  {loaded.Processing}");
                stdout.WriteLine($"tokenizer   {loaded.Tokenizer?.Name ?? "none (give token ids)"}");
                stdout.WriteLine($"parameters  {m.ParameterCount:N0}");
                stdout.WriteLine($"hook points ({m.HookNames.Count}):");
                foreach (var name in m.HookNames)
                {
                    stdout.WriteLine($"  {name}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    /// <summary>The settings that set GPT-NeoX, GPT-Neo and Llama models apart, where they differ from GPT-2's.</summary>
    private static string ArchitectureDetails(CircuitFinder.Model.Config.HookedTransformerConfig c)
    {
        var parts = new List<string>();
        if (c.EffectiveRotaryDim > 0)
        {
            parts.Add($"rotary_dim={c.EffectiveRotaryDim} rotary_base={c.RotaryBase}");
        }

        if (c.ParallelAttnMlp)
        {
            parts.Add("parallel_attn_mlp=true");
        }

        if (c.GatedMlp)
        {
            parts.Add("gated_mlp=true");
        }

        if (c.KeyValueGroupSize > 1)
        {
            parts.Add($"n_key_value_heads={c.EffectiveNKeyValueHeads}");
        }

        if (!c.UseAttnScale)
        {
            parts.Add("use_attn_scale=false");
        }

        if (c.ScaleAttnByInverseLayerIdx)
        {
            parts.Add("scale_attn_by_inverse_layer_idx=true");
        }

        if (c.AttnTypes is { AnyLocal: true } types)
        {
            parts.Add($"attn_types={string.Join(",", types.Layers.Select(CircuitFinder.Model.Config.AttentionLayerTypes.Format))} window_size={c.WindowSize}");
        }

        parts.AddRange(ModernParts(c));
        return parts.Count == 0 ? string.Empty : " " + string.Join(" ", parts);
    }

    /// <summary>The modern decoders' settings (Llama 3 rope scaling, Gemma 2's scale, soft-caps and sandwich norms), where set.</summary>
    private static IEnumerable<string> ModernParts(CircuitFinder.Model.Config.HookedTransformerConfig c)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (c.UseNtkByPartsRope)
        {
            yield return string.Create(invariant, $"rope_scaling=llama3(factor={c.NtkByPartsFactor},low={c.NtkByPartsLowFreqFactor},high={c.NtkByPartsHighFreqFactor},original={c.NtkOriginalCtxLen})");
        }

        if (c.UseAttnScale && c.AttnScale is { } scale)
        {
            yield return string.Create(invariant, $"attn_scale={scale:G6}");
        }

        if (c.HasAttnSoftCap)
        {
            yield return string.Create(invariant, $"attn_scores_soft_cap={c.AttnScoresSoftCap}");
        }

        if (c.HasOutputSoftCap)
        {
            yield return string.Create(invariant, $"output_logits_soft_cap={c.OutputLogitsSoftCap}");
        }

        if (c.UseNormalizationBeforeAndAfter)
        {
            yield return "use_normalization_before_and_after=true";
        }
    }
}
