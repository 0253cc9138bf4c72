using System.CommandLine;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder task make NAME --n N --seed S [--model M] --out FILE [--json]</c>: generates a built-in task and
/// writes it as a task file; <c>circuitfinder task show FILE [--model M] [--n K] [--json]</c>: prints a task file's
/// name, size, metric, content hash and first prompts. Without <c>--model</c> both use the GPT-2 tokenizer and a
/// vocabulary of 50,257 tokens.
/// </summary>
public static class TaskCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("task", "Make built-in tasks and inspect task files");
        command.Add(Make(stdout, stderr));
        command.Add(Show(stdout, stderr));
        return command;
    }

    private static Command Make(TextWriter stdout, TextWriter stderr)
    {
        var model = OptionalModel();
        var name = new Argument<string>("name") { Description = "The built-in task, e.g. ioi, greater-than, induction" };
        var count = new Option<int>("--n", "-n") { Description = "How many prompts to generate", Required = true };
        var seed = new Option<int>("--seed", "-s") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out", "-o") { Description = "Task file to write (.json, or .jsonl for JSON Lines)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary on stdout" };
        var command = new Command("make", "Generate a built-in task and write it as a task file") { name };
        model.AddTo(command);
        foreach (var o in new Option[] { count, seed, output, json })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string key = parse.GetValue(name)!;
                if (!TaskGeneratorCatalog.TryCreate(key, out var generator))
                {
                    var known = TaskGeneratorCatalog.Names;
                    throw new BadInputException(
                        $"unknown task '{key}'; known tasks: {(known.Count == 0 ? "(none built in yet)" : string.Join(", ", known))}");
                }

                int n = parse.GetValue(count);
                if (n <= 0)
                {
                    throw new BadInputException($"--n must be positive, got {n}");
                }

                string path = parse.GetValue(output)!;
                OutputFile.Check(path, [parse.GetValue(model.Model), parse.GetValue(model.Weights)]);
                using var loaded = LoadIfGiven(model, parse);
                var (tokenizer, dVocab) = Vocabulary(loaded);
                var dataset = generator!.Generate(n, parse.GetValue(seed), tokenizer, dVocab);
                TaskFileWriter.Write(dataset, path);
                var summary = new JObject
                {
                    ["name"] = dataset.Name,
                    ["prompts"] = dataset.Prompts.Count,
                    ["dropped"] = dataset.Dropped,
                    ["metric"] = dataset.DefaultMetric,
                    ["tokenizer"] = dataset.Tokenizer,
                    ["content_hash"] = dataset.ContentHash,
                    ["out"] = Path.GetFullPath(path),
                };
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(summary));
                }
                else if (!parse.GetValue(GlobalOptions.Quiet))
                {
                    stderr.WriteLine(
                        $"task {dataset.Name}: {dataset.Prompts.Count} prompts ({dataset.Dropped} dropped), content hash {dataset.ContentHash}, written to {path}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static Command Show(TextWriter stdout, TextWriter stderr)
    {
        var model = OptionalModel();
        var file = new Argument<string>("file") { Description = "Task file (.json or .jsonl)" };
        var count = new Option<int>("--n", "-n") { Description = "How many prompts to print", DefaultValueFactory = _ => 3 };
        var bos = new TaskReadSwitches();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("show", "Print a task file's name, size, metric, content hash and first prompts") { file };
        model.AddTo(command);
        bos.AddTo(command);
        foreach (var o in new Option[] { count, json })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                int k = parse.GetValue(count);
                if (k < 0)
                {
                    throw new BadInputException($"--n must not be negative, got {k}");
                }

                using var loaded = LoadIfGiven(model, parse);
                var (tokenizer, dVocab) = Vocabulary(loaded);
                string path = parse.GetValue(file)!;
                var dataset = TaskFileReader.Read(path, tokenizer, dVocab, new TaskReadOptions { PrependBos = bos.PrependBos(parse), MaxLength = loaded?.Model.Config.NCtx });
                var display = tokenizer is not null && (dataset.Tokenizer is null || dataset.Tokenizer == tokenizer.Name) ? tokenizer : null;
                var summary = TaskSummary.Of(dataset, path, k, display);
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(summary));
                }
                else
                {
                    TaskSummary.Print(summary, stdout);
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static ModelOptions OptionalModel()
    {
        var model = new ModelOptions();
        model.Model.Required = false;
        model.Model.Description = "Model whose tokenizer and d_vocab to use (default: the GPT-2 tokenizer, 50,257 tokens)";
        return model;
    }

    private static LoadedModel? LoadIfGiven(ModelOptions model, ParseResult parse) =>
        parse.GetValue(model.Model) is null ? null : model.Load(parse);

    private static (ITokenizer? Tokenizer, int DVocab) Vocabulary(LoadedModel? loaded) =>
        loaded is null
            ? (Gpt2Tokenizer.Instance, Gpt2Tokenizer.GptVocabularySize)
            : (loaded.Tokenizer, loaded.Model.Config.DVocab);
}
