using System.CommandLine;
using System.Globalization;
using System.Text;
using CircuitFinder.Detectors;
using CircuitFinder.Model;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder detect --model M [--detectors list] [--pattern FILE] [--json | --csv] [--out FILE]</c>: scores every
/// head with the chosen detectors; one row per head (<c>L{l}H{h}</c>, layer, head), one column per score, and the
/// category labels the documented thresholds give. Text on stdout by default, JSON or CSV on request, to --out atomically.
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
                    ReportFiles.EnsureWritable(Path.GetDirectoryName(Path.GetFullPath(path))!);
                }

                using var loaded = model.Load(parse);
                string? task = loaded.Source.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal) && ZooCatalog.TryGet(loaded.Source[ZooCatalog.Prefix.Length..], out var zoo)
                    ? zoo.TaskName
                    : null;
                using var context = new DetectorContext(loaded.Model, loaded.Tokenizer, loaded.Source, task, options);
                var table = ConsoleProgress.Run("detect", parse.GetValue(GlobalOptions.Quiet), progress => HeadScan.Run(context, detectors, progress));
                var wiki = HeadTables.ToWiki(table);
                string text = parse.GetValue(json) ? JsonOutput.Format(HeadTableJson.Write(wiki)) + "\n"
                    : parse.GetValue(csv) ? HeadTableCsv.Write([wiki])
                    : Text(wiki);
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

    /// <summary>An aligned text table with the notes below it.</summary>
    private static string Text(WikiHeadTable table)
    {
        var header = new[] { "head", "layer", "head#" }.Concat(table.Columns).Append("categories").ToList();
        var rows = Enumerable.Range(0, table.NLayers * table.NHeads).Select(i => new[]
        {
            WikiHeadTable.HeadName(i / table.NHeads, i % table.NHeads),
            (i / table.NHeads).ToString(CultureInfo.InvariantCulture),
            (i % table.NHeads).ToString(CultureInfo.InvariantCulture),
        }.Concat(table.Columns.Select(c => table.Score(c, i)?.ToString("F3", CultureInfo.InvariantCulture) ?? "-"))
         .Append(string.Join(",", table.Labels[i])).ToList()).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        foreach (var note in table.Notes)
        {
            text.AppendLine("# " + note);
        }

        return text.ToString();
    }
}
