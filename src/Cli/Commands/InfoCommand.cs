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
                    stdout.WriteLine(JsonOutput.Format(info));
                    return ExitCodes.Success;
                }

                var c = m.Config;
                stdout.WriteLine($"model       {loaded.Source}");
                stdout.WriteLine($"layout      {loaded.Layout} ({Path.GetFileName(loaded.WeightsFile)}, sha256 {loaded.WeightsSha256[..16]}…)");
                stdout.WriteLine($"shape       n_layers={c.NLayers} d_model={c.DModel} n_heads={c.NHeads} d_head={c.DHead} d_mlp={(c.AttnOnly ? "-" : c.DMlp.ToString())} d_vocab={c.DVocab} d_vocab_out={c.EffectiveDVocabOut} n_ctx={c.NCtx}");
                stdout.WriteLine($"arch        act_fn={ConfigJson.FormatActivation(c.ActFn)} normalization={c.NormalizationType} positions={c.PositionalEmbeddingType.ToString().ToLowerInvariant()} attention={c.AttentionDir.ToString().ToLowerInvariant()} attn_only={c.AttnOnly.ToString().ToLowerInvariant()}");
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
}
