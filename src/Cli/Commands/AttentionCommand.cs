using System.CommandLine;
using CircuitFinder.Graph.Views;
using CircuitFinder.Patching.Views;
using CircuitFinder.Reports.Plots;
using CircuitFinder.Reports.Views;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder attention --model M (--prompt TEXT | --tokens IDS | --task T [--prompt-index I]) --heads L1H2,L0 --out FILE.html</c>:
/// the attention patterns of the chosen heads (<see cref="AttentionView"/>) as one self-contained HTML page
/// (<see cref="AttentionHtml"/>) and a PNG heat map per head beside it (<c>FILE-L1H2.png</c>), each written atomically.
/// </summary>
public static class AttentionCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var inputs = new ViewInputs(defaultCount: 10);
        var index = new Option<int?>("--prompt-index") { Description = "Which prompt of --task to show (default 0)" };
        var heads = new Option<string>("--heads") { Description = "Heads, e.g. L1H2,L0H1, or L1 for every head of layer 1", Required = true };
        var outFile = new Option<string>("--out") { Description = "The HTML page to write; the PNGs go beside it as FILE-L1H2.png", Required = true };
        var command = new Command("attention", "Attention patterns of chosen heads as an HTML page and a PNG per head");
        model.AddTo(command);
        inputs.AddTo(command);
        command.Add(index);
        command.Add(heads);
        command.Add(outFile);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                inputs.CheckOne(parse);
                if (!inputs.IsTask(parse) && parse.GetValue(index) is not null)
                {
                    throw new BadInputException("--prompt-index goes with --task");
                }

                string html = parse.GetValue(outFile)!;
                string?[] read = [parse.GetValue(model.Model), parse.GetValue(model.Weights), parse.GetValue(inputs.Task)];
                OutputFile.Check(html, read);
                using var loaded = model.Load(parse);
                var config = loaded.Model.Config;
                var chosen = HeadLabel.ParseList(parse.GetValue(heads)!, config.NLayers, config.NHeads, "--heads");
                var pngs = chosen.ToDictionary(h => h.ToString(), h => PngPath(html, h));
                foreach (var png in pngs.Values)
                {
                    OutputFile.Check(png, read);
                }

                IReadOnlyList<int> ids;
                string source;
                if (inputs.IsTask(parse))
                {
                    var task = inputs.Dataset(parse, loaded, stderr);
                    int i = parse.GetValue(index) ?? 0;
                    if (i < 0 || i >= task.Prompts.Count)
                    {
                        throw new BadInputException($"--prompt-index {i}: the task has prompts 0..{task.Prompts.Count - 1}");
                    }

                    ids = task.Prompts[i].Clean;
                    source = $"task {task.Name}, prompt {i} (clean)";
                }
                else
                {
                    ids = inputs.PromptIds(parse, loaded);
                    source = "prompt";
                }

                var report = AttentionView.Patterns(loaded.Model, loaded.Tokenizer, ids, chosen, loaded.Source, source);
                foreach (var map in report.Heads)
                {
                    byte[] bytes = HeatMapPlot.Png(map);
                    AtomicFile.Write(pngs[map.Name], s => s.Write(bytes));
                }

                AtomicFile.WriteAllText(html, AttentionHtml.Write(report));
                stdout.WriteLine(html);
                foreach (var png in pngs.Values)
                {
                    stdout.WriteLine(png);
                }

                stderr.WriteLine($"attention: {report.Heads.Count} heads on {ids.Count} tokens; wrote {html} and {pngs.Count} PNGs");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    /// <summary><c>DIR/STEM-L1H2.png</c> for the page <c>DIR/STEM.html</c>.</summary>
    private static string PngPath(string html, HeadLabel head)
    {
        string folder = Path.GetDirectoryName(html) ?? string.Empty;
        return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(html)}-{head}.png");
    }
}
