using System.CommandLine;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder detect --model M [--detectors list] [--pattern FILE] [--json | --csv] [--out FILE]</c>: scores every
/// head with the chosen detectors; one row per head (<c>L{l}H{h}</c>, layer, head), one column per score, and the
/// category labels the documented thresholds give. Text on stdout by default, JSON or CSV on request, to --out atomically.
/// The scan is <see cref="DetectionRun"/>'s and the formats are Reports'; this parses, draws progress and prints.
/// </summary>
public static class DetectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var settings = new DetectorSettings();
        var json = new Option<bool>("--json") { Description = "Write the table as JSON (schema circuitfinder/heads@1)" };
        var csv = new Option<bool>("--csv") { Description = "Write the table as CSV" };
        var outFile = new Option<string?>("--out") { Description = "Write to this file (atomically) instead of stdout" };
        var command = new Command("detect", "Score every attention head with head detectors (previous-token, induction, copying, name movers, ...)");
        model.AddTo(command);
        settings.AddTo(command);
        foreach (var o in new Option[] { json, csv, outFile })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                if (parse.GetValue(json) && parse.GetValue(csv))
                {
                    throw new BadInputException("--json and --csv: choose one");
                }

                var detectors = settings.Select(parse);
                var options = settings.Options(parse);
                string? path = parse.GetValue(outFile);
                if (path is not null)
                {
                    OutputFile.Check(path, [parse.GetValue(model.Model), parse.GetValue(model.Weights), .. settings.Inputs(parse)]);
                }

                using var loaded = model.Load(parse);
                var table = ConsoleProgress.Run("detect", parse.GetValue(GlobalOptions.Quiet), progress => DetectionRun.Run(loaded, detectors, options, progress));
                var wiki = HeadTables.ToWiki(table);
                string text = parse.GetValue(json) ? JsonFiles.Format(HeadTableJson.Write(wiki)) + "\n"
                    : parse.GetValue(csv) ? HeadTableCsv.Write([wiki])
                    : HeadTableText.Write(wiki);
                if (path is null)
                {
                    stdout.Write(text);
                }
                else
                {
                    AtomicFile.WriteAllText(path, text);
                    stderr.WriteLine($"detect: {table.NLayers * table.NHeads} heads, {table.Columns.Count} scores; wrote {path}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
