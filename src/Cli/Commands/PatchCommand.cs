using System.CommandLine;
using System.Globalization;
using CircuitFinder.Graph.Views;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Reports.Views;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder patch --model M --task T --what COMPONENT [--positions all|LIST] [--denoise false] --out DIR</c>: an
/// activation-patching map (<see cref="PatchingMap"/>); with <c>--receivers R1,R2 [--sender L9H9]</c> path patching
/// (<see cref="PathPatching"/>). Writes <c>patch.json</c>, <c>patch.csv</c> and a PNG of the normalized map (scale [−1, 1]).
/// </summary>
public static class PatchCommand
{
    public const string OutputKind = "patch";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "A built-in task name or a task file", Required = true };
        var count = new Option<int?>("--n") { Description = "Prompts to generate for a built-in task (default 10), or the first N of a task file" };
        var seed = new Option<int>("--seed") { Description = "Seed for a generated task", DefaultValueFactory = _ => 0 };
        var bos = new TaskReadSwitches();
        var what = new Option<string?>("--what") { Description = $"What to patch: {string.Join(", ", PatchingMap.Components.Keys)}" };
        var positions = new Option<string?>("--positions") { Description = "Patch one position at a time: all, or a list such as 3,5,9 (heads default to all positions at once)" };
        var denoise = new Option<bool?>("--denoise") { Description = "true (default): clean activations into the corrupted run; false: corrupted into the clean run" };
        var metric = new Option<string?>("--metric") { Description = $"The metric ({string.Join(", ", MetricCatalog.Names)}); default: the task's" };
        var sender = new Option<string?>("--sender") { Description = "Path patching: the sender head, e.g. L9H9 (default: every head that can reach the receivers)" };
        var receivers = new Option<string?>("--receivers") { Description = "Path patching: receivers, e.g. L10H7:q,L11H10:q,logits" };
        var outDir = new Option<string>("--out") { Description = "Output folder (new, empty, or an earlier patch output)", Required = true };
        var command = new Command("patch", "Activation-patching maps and path patching of a task");
        model.AddTo(command);
        foreach (var o in new Option[] { task, count, seed, what, positions, denoise, metric, sender, receivers, outDir })
        {
            command.Add(o);
        }

        bos.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                bool path = parse.GetValue(receivers) is not null;
                if (path == (parse.GetValue(what) is not null))
                {
                    throw new BadInputException("give either --what COMPONENT (activation patching) or --receivers R1,R2 (path patching)");
                }

                if (!path && parse.GetValue(sender) is not null)
                {
                    throw new BadInputException("--sender goes with --receivers (path patching)");
                }

                if (path && (parse.GetValue(positions) is not null || parse.GetValue(denoise) is true))
                {
                    throw new BadInputException("path patching patches the sender's corrupted output into the clean run at every position: --positions and --denoise true do not apply");
                }

                if (!path && !PatchingMap.Components.ContainsKey(parse.GetValue(what)!))
                {
                    throw new BadInputException($"--what: unknown component '{parse.GetValue(what)}' (expected {string.Join(", ", PatchingMap.Components.Keys)})");
                }

                if (parse.GetValue(metric) is { } m && !MetricCatalog.Names.Contains(m))
                {
                    throw new BadInputException($"--metric: unknown metric '{m}' (expected {string.Join(", ", MetricCatalog.Names)})");
                }

                using var output = OutputFolder.Claim(parse.GetValue(outDir)!, OutputKind, [parse.GetValue(model.Model), parse.GetValue(model.Weights), parse.GetValue(task)]);
                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), 10, parse.GetValue(seed), loaded, bos.PrependBos(parse), stderr);
                var chosen = MetricCatalog.Create(parse.GetValue(metric) ?? dataset.DefaultMetric);
                bool quiet = parse.GetValue(GlobalOptions.Quiet);
                PatchReport report;
                if (path)
                {
                    var config = loaded.Model.Config;
                    var parsedReceivers = PathPatching.ParseReceivers(parse.GetValue(receivers)!, loaded.Model);
                    HeadLabel? from = parse.GetValue(sender) is { } s ? HeadLabel.Parse(s, config.NLayers, config.NHeads, "--sender") : null;
                    report = ConsoleProgress.Run("path patching", quiet, _ => PathPatching.Run(loaded.Model, dataset, chosen, from, parsedReceivers, loaded.Source));
                }
                else
                {
                    var options = new PatchingMapOptions
                    {
                        What = parse.GetValue(what)!,
                        Denoise = parse.GetValue(denoise) ?? true,
                        Positions = parse.GetValue(positions) is { } p ? ParsePositions(p, dataset.Prompts.Min(x => x.Length)) : null,
                    };
                    report = ConsoleProgress.Run(
                        $"patch {options.What}",
                        quiet,
                        progress => PatchingMap.Run(loaded.Model, loaded.Tokenizer, dataset, chosen, options, loaded.Source, new ActionProgress<double>(f => progress.Report(("cells", f)))));
                }

                var files = ViewFolder.Write(output, "patch", PatchJson.Write(report), [report.Map, report.Raw], [report.Map]);
                Print(report, stdout);
                stderr.WriteLine($"patch: wrote {files.Count} files to {output.Given}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    /// <summary><c>all</c> (every position of the shortest prompt) or a comma-separated list of positions.</summary>
    internal static IReadOnlyList<int> ParsePositions(string text, int length)
    {
        if (text.Trim() == "all")
        {
            return Enumerable.Range(0, length).ToList();
        }

        var result = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p))
            {
                throw new BadInputException($"--positions: '{part}' is not a position (expected all, or a list such as 3,5,9)");
            }

            if (p < 0 || p >= length)
            {
                throw new BadInputException($"--positions: position {p} is out of range (the prompts have positions 0..{length - 1})");
            }

            result.Add(p);
        }

        return result.Distinct().ToList();
    }

    private static void Print(PatchReport report, TextWriter stdout)
    {
        stdout.WriteLine(TerminalText.OneLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{report.What} on {report.Task} ({report.Prompts} prompts), {report.Metric}: clean {report.CleanMetric:F4}, corrupted {report.CorruptMetric:F4}")));
        var map = report.Map;
        var cells = Enumerable.Range(0, map.Rows.Count).SelectMany(r => Enumerable.Range(0, map.Columns.Count).Select(c => (r, c)))
            .Where(x => double.IsFinite(map[x.r, x.c]))
            .OrderByDescending(x => Math.Abs(map[x.r, x.c] - (report.Denoise ? 0 : 1)))
            .Take(10);
        stdout.WriteLine($"cells furthest from no effect ({map.RowAxis}, {map.ColumnAxis}: normalized):");
        foreach (var (r, c) in cells)
        {
            stdout.WriteLine(TerminalText.OneLine(string.Create(CultureInfo.InvariantCulture, $"  {map.Rows[r]}, {map.Columns[c]}: {map[r, c]:F4}")));
        }
    }
}
