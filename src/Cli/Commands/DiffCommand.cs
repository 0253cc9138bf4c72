using System.CommandLine;
using System.Globalization;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Patching.Diff;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Reports.Diff;
using CircuitFinder.Tasks;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder diff --a M1 --b M2 (--text FILE | --tokens IDS|@FILE) [--task T ...] [--top N] [--chunk] --out DIR</c>:
/// what changed between two models (<see cref="ModelDiff"/>), as black boxes and, where their shapes match, inside;
/// written to DIR as <c>diff.json</c>, <c>diff.md</c>, <c>diff.html</c> and PNG plots (<see cref="DiffFolder"/>).
/// </summary>
public static class DiffCommand
{
    public const string OutputKind = "diff";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var a = new Option<string>("--a") { Description = "Model A (the reference): a folder, zoo:NAME or a hub name, as --model elsewhere", Required = true };
        var b = new Option<string>("--b") { Description = "Model B (compared with A), as --a", Required = true };
        var text = new Option<string?>("--text") { Description = "A text file, tokenized with the models' shared tokenizer (BOS prepended unless --no-bos)" };
        var tokens = new Option<string?>("--tokens") { Description = "The text as token ids: comma-separated, or @FILE with ids separated by commas or whitespace (for models with different tokenizers)" };
        var noBos = new Option<bool>("--no-bos") { Description = "Do not prepend the BOS token to --text" };
        var tasks = new Option<string[]>("--task") { Description = "A built-in task name or a task file (repeat, or separate with commas, for several)", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int?>("--n") { Description = "Prompts to generate per built-in task (default 20), or the first N of a task file" };
        var seed = new Option<int>("--seed") { Description = "Seed for generated tasks", DefaultValueFactory = _ => 0 };
        var top = new Option<int>("--top") { Description = "Positions to list where the models differ most, and to patch on where B beats A most", DefaultValueFactory = _ => 10 };
        var chunk = new Option<bool>("--chunk") { Description = "Run a text longer than n_ctx in windows of n_ctx tokens (else it is refused)" };
        var outDir = new Option<string>("--out") { Description = "Output folder (new, empty, or an earlier diff output)", Required = true };
        var model = new ModelOptions();
        var bos = new TaskReadSwitches();
        var command = new Command("diff", "What changed between two models: per-token log-probabilities, KL and tasks (black box); weights, activations, attribution and patching (same structure)");
        foreach (var o in new Option[] { a, b, text, tokens, noBos, tasks, count, seed, top, chunk, outDir })
        {
            command.Add(o);
        }

        model.AddSwitchesTo(command);
        bos.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var taskNames = (parse.GetValue(tasks) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
                string? textFile = parse.GetValue(text), ids = parse.GetValue(tokens);
                if (textFile is not null && ids is not null)
                {
                    throw new BadInputException("give one of --text FILE and --tokens IDS, not both");
                }

                if (textFile is null && ids is null && taskNames.Count == 0)
                {
                    throw new BadInputException("give --text FILE, --tokens IDS or --task T (or a text and tasks)");
                }

                if (parse.GetValue(top) < 1)
                {
                    throw new BadInputException($"--top must be positive, got {parse.GetValue(top)}");
                }

                string? idsFile = ids is not null && ids.StartsWith('@') ? ids[1..] : null;
                string specA = parse.GetValue(a)!, specB = parse.GetValue(b)!;
                using var output = OutputFolder.Claim(parse.GetValue(outDir)!, OutputKind, [specA, specB, textFile, idsFile, .. taskNames]);
                using var loadedA = model.Load(parse, specA, null);
                using var loadedB = model.Load(parse, specB, null);
                string? vocabulary = SharedVocabulary.Difference(loadedA.Tokenizer, loadedB.Tokenizer);
                var input = textFile is not null ? TextIds(textFile, loadedA, loadedB, vocabulary, !parse.GetValue(noBos))
                    : ids is not null ? TokenIds(ids, idsFile, loadedA, loadedB)
                    : [];
                var datasets = Tasks(taskNames, parse.GetValue(count), parse.GetValue(seed), bos.PrependBos(parse), loadedA, loadedB, vocabulary, stderr);
                var options = new ModelDiffOptions
                {
                    Top = parse.GetValue(top),
                    Chunk = parse.GetValue(chunk),
                    Tasks = datasets,
                    Tokenizer = loadedA.Tokenizer,
                    NameA = specA,
                    NameB = specB,
                };
                var report = ConsoleProgress.RunPhases(parse.GetValue(GlobalOptions.Quiet), progress =>
                    ModelDiff.Compare(loadedA.Model, loadedB.Model, input, options, new SynchronousProgress<(string Step, double Fraction)>(p => progress.Report((p.Step, Describe(p.Step), p.Fraction)))));
                var files = DiffFolder.Write(output, report, DiscoveryRun.ToolVersion);
                Print(report, stdout);
                if (report.InsideRefused is { } refused)
                {
                    stderr.WriteLine(TerminalText.OneLine($"diff: not compared inside, the models differ in structure: {refused}"));
                }

                stderr.WriteLine($"diff: wrote {files.Count} files to {output.Given}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static List<int> TextIds(string path, LoadedModel a, LoadedModel b, string? vocabulary, bool prependBos)
    {
        if (vocabulary is not null)
        {
            throw new BadInputException($"--text {path}: the models do not share a vocabulary ({vocabulary}); give the text as token ids with --tokens");
        }

        if (!File.Exists(path))
        {
            throw new BadInputException($"--text {path}: file not found");
        }

        var tokenizer = a.Tokenizer!;
        var ids = new List<int>();
        if (prependBos && tokenizer.BosTokenId is { } bos)
        {
            ids.Add(bos);
        }

        ids.AddRange(tokenizer.Encode(InputFile.ReadAllText(path)));
        if (ids.Count < 2)
        {
            throw new BadInputException($"--text {path}: the text is {ids.Count} token{(ids.Count == 1 ? string.Empty : "s")} long; a diff needs at least two");
        }

        TokenizerLoader.CheckIds(ids, Math.Min(a.Model.Config.DVocab, b.Model.Config.DVocab), $"--text {path}");
        return ids;
    }

    private static List<int> TokenIds(string value, string? file, LoadedModel a, LoadedModel b)
    {
        string list = value;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new BadInputException($"--tokens @{file}: file not found");
            }

            list = string.Join(",", InputFile.ReadAllText(file).Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        }

        var ids = RunCommand.ParseIds(list);
        if (ids.Count < 2)
        {
            throw new BadInputException($"--tokens: {ids.Count} id{(ids.Count == 1 ? string.Empty : "s")}; a diff needs at least two");
        }

        int vocabulary = Math.Min(a.Model.Config.DVocab, b.Model.Config.DVocab);
        TokenizerLoader.CheckIds(ids, vocabulary, "--tokens");
        return ids;
    }

    private static List<TaskDataset> Tasks(IReadOnlyList<string> names, int? count, int seed, bool prependBos, LoadedModel a, LoadedModel b, string? vocabulary, TextWriter note)
    {
        bool idsOnly = a.Tokenizer is null && b.Tokenizer is null && a.Model.Config.DVocab == b.Model.Config.DVocab;
        if (names.Count > 0 && vocabulary is not null && !idsOnly)
        {
            throw new BadInputException($"--task: the models do not share a vocabulary ({vocabulary}); tasks are compared only between models with the same tokenizer");
        }

        int nCtx = Math.Min(a.Model.Config.NCtx, b.Model.Config.NCtx);
        var datasets = new List<TaskDataset>();
        foreach (var name in names)
        {
            var dataset = TaskSource.Resolve(name, count, 20, seed, a, prependBos, note);
            dataset.EnsureFits(nCtx, $"--task {name}");
            datasets.Add(dataset);
        }

        return datasets;
    }

    private static void Print(ModelDiffReport report, TextWriter stdout)
    {
        stdout.WriteLine(TerminalText.OneLine($"A: {report.ModelA}"));
        stdout.WriteLine(TerminalText.OneLine($"B: {report.ModelB}"));
        if (report.Identical)
        {
            stdout.WriteLine("identical: every difference is exactly 0" + (report.Inside is null ? string.Empty : " (weights, activations and attributions included)"));
            return;
        }

        if (report.Text is { } text)
        {
            stdout.WriteLine(F($"text: {text.Positions.Count} positions; mean log p A {text.MeanLogProbA:F4}, B {text.MeanLogProbB:F4}, B - A {text.MeanDifference:F4}; mean KL(A||B) {(text.MeanKl is { } kl ? kl.ToString("F4", CultureInfo.InvariantCulture) : "n/a")}"));
            foreach (var p in text.Top.Take(5))
            {
                stdout.WriteLine(TerminalText.OneLine(F($"  position {p.Position,4}  {p.NextTokenText,-12} A {p.LogProbA,9:F4}  B {p.LogProbB,9:F4}  B - A {p.Difference,9:F4}")));
            }
        }

        foreach (var t in report.Tasks)
        {
            stdout.WriteLine(TerminalText.OneLine(F($"task {t.Name} ({t.Prompts} prompts): {t.Metric} A {t.MetricA:F4}, B {t.MetricB:F4}; accuracy A {t.AccuracyA:F3}, B {t.AccuracyB:F3}")));
        }

        if (report.Inside is { } inside)
        {
            if (inside.Heads.Count > 0)
            {
                stdout.WriteLine(F($"weights: largest head change {inside.Heads[0].Unit} (relative {inside.Heads[0].Relative:F4}); largest parameter change {inside.Parameters[0].Name} ({inside.Parameters[0].Relative:F4})"));
            }

            if (inside.Attribution.Count > 0)
            {
                stdout.WriteLine(F($"attribution: largest change {inside.Attribution[0].Component} (mean |B - A| {inside.Attribution[0].MeanAbsDifference:F4})"));
            }

            if (inside.Patching is { } patching)
            {
                stdout.WriteLine(F($"patching B into A on {patching.Positions.Count} positions (advantage {patching.Advantage:F4}): ") +
                    string.Join(", ", patching.Components.Take(5).Select(c => F($"{c.Component} {c.Recovery:F3}"))));
            }
        }
    }

    /// <summary>What each step of <see cref="ModelDiff.Compare"/> does, for its progress bar.</summary>
    private static string Describe(string step) => step switch
    {
        "text" => "log-probabilities and KL per position",
        "weights" => "norms per parameter, head and neuron",
        "activations" => "every hook point",
        "attribution" => "direct logit attribution",
        "patching" => "components of B into A",
        _ => "metric and accuracy",
    };

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
