using System.CommandLine;
using System.Globalization;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder run --model DIR (--prompt TEXT | --tokens 1,2,3) [--top K] [--all-logits] [--json]</c>:
/// the top K next tokens at the last position, with logit and probability; with <c>--generate N</c> the continuation
/// (<see cref="RunGeneration"/>).
/// </summary>
public static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var prompt = new Option<string?>("--prompt", "-p") { Description = "Text to tokenize with the model's tokenizer" };
        var tokens = new Option<string?>("--tokens", "-t") { Description = "Comma-separated token ids, e.g. 1,2,3" };
        var noBos = new Option<bool>("--no-bos") { Description = "Do not prepend the BOS token to --prompt (TransformerLens prepends it)" };
        var top = new Option<int>("--top", "-k") { Description = "How many next tokens to list", DefaultValueFactory = _ => 10 };
        var allLogits = new Option<bool>("--all-logits") { Description = "Add the full last-position logit vector to the JSON" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var generation = new RunGeneration();
        var command = new Command("run", "Run a model on a prompt and list the most likely next tokens, or continue it (--generate N)");
        model.AddTo(command);
        generation.AddTo(command);
        foreach (var o in new Option[] { prompt, tokens, noBos, top, allLogits, json })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string? text = parse.GetValue(prompt), ids = parse.GetValue(tokens);
                if ((text is null) == (ids is null))
                {
                    throw new BadInputException("give exactly one of --prompt TEXT or --tokens 1,2,3");
                }

                int k = parse.GetValue(top);
                if (k <= 0)
                {
                    throw new BadInputException($"--top must be positive, got {k}");
                }

                bool generate = generation.Requested(parse);
                var sampling = generate ? generation.Options(parse) : null;
                using var loaded = model.Load(parse);
                var input = text is null ? ParseIds(ids!) : Tokenize(loaded, text, !parse.GetValue(noBos));
                TokenizerLoader.CheckIds(input, loaded.Model.Config.DVocab, "--tokens");
                if (sampling is not null)
                {
                    generation.Run(parse, loaded, input, sampling, parse.GetValue(json), stdout);
                    return ExitCodes.Success;
                }

                var result = Predict(loaded, input, Math.Min(k, loaded.Model.Config.EffectiveDVocabOut), parse.GetValue(allLogits));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(result));
                }
                else
                {
                    PrintTable(result, stdout);
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    internal static List<int> ParseIds(string text)
    {
        var ids = new List<int>();
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
            {
                throw new BadInputException($"--tokens: item {i} ('{parts[i]}') is not an integer token id");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static List<int> Tokenize(LoadedModel loaded, string text, bool prependBos)
    {
        var tokenizer = loaded.Tokenizer
            ?? throw new BadInputException($"{loaded.Source}: the model has no tokenizer (no vocab.json); give --tokens instead of --prompt");
        var ids = new List<int>();
        if (prependBos && tokenizer.BosTokenId is { } bos)
        {
            ids.Add(bos);
        }

        ids.AddRange(tokenizer.Encode(text));
        if (ids.Count == 0)
        {
            throw new BadInputException("--prompt: the prompt is empty after tokenization");
        }

        return ids;
    }

    private static JObject Predict(LoadedModel loaded, List<int> input, int k, bool allLogits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(input.Select(i => (long)i).ToArray()).unsqueeze(0); // [1, pos]
        var last = loaded.Model.Forward(tokens)[0, -1].to(CPU); // [d_vocab_out]
        var probs = nn.functional.softmax(last, 0); // [d_vocab_out]
        var (values, indices) = last.topk(k);
        var logits = values.data<float>().ToArray();
        var ids = indices.data<long>().ToArray();
        var tokenizer = loaded.Tokenizer;
        var topList = new JArray();
        for (int r = 0; r < k; r++)
        {
            topList.Add(new JObject
            {
                ["rank"] = r + 1,
                ["token_id"] = ids[r],
                ["token"] = tokenizer is not null && ids[r] < tokenizer.VocabularySize ? new JValue(tokenizer.TokenToString((int)ids[r])) : JValue.CreateNull(),
                ["logit"] = logits[r],
                ["prob"] = probs[ids[r]].item<float>(),
            });
        }

        var result = new JObject
        {
            ["model"] = loaded.Source,
            ["tokens"] = new JArray(input),
            ["position"] = input.Count - 1,
            ["top"] = topList,
        };
        if (allLogits)
        {
            result["logits"] = new JArray(last.data<float>().ToArray());
        }

        return result;
    }

    private static void PrintTable(JObject result, TextWriter stdout)
    {
        stdout.WriteLine($"next token after position {result["position"]} ({((JArray)result["tokens"]!).Count} tokens):");
        stdout.WriteLine($"{"rank",4}  {"id",7}  {"logit",10}  {"prob",8}  token");
        foreach (var row in (JArray)result["top"]!)
        {
            string token = row["token"] is JValue { Value: string t } ? new JValue(t).ToString(Newtonsoft.Json.Formatting.None) : string.Empty;
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{(int)row["rank"]!,4}  {(long)row["token_id"]!,7}  {(double)row["logit"]!,10:F4}  {(double)row["prob"]!,8:F5}  {token}"));
        }
    }
}
