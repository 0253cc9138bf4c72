using System.CommandLine;
using System.Globalization;
using CircuitFinder.Graph.Views;
using CircuitFinder.Patching.Views;
using CircuitFinder.Reports.Views;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder lens --model M (--prompt TEXT | --tokens IDS | --task T) [--answer TOK [--wrong TOK]] --out DIR</c>: the
/// logit lens and direct logit attribution (<see cref="LensView"/>) written to DIR as <c>lens.json</c>, <c>lens.csv</c>
/// and heat maps (<c>lens.png</c>, <c>dla-components.png</c>, <c>dla-heads.png</c>); the largest attributions are printed.
/// </summary>
public static class LensCommand
{
    public const string OutputKind = "lens";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var inputs = new ViewInputs(defaultCount: 20);
        var answer = new Option<string?>("--answer") { Description = "The answer token (one token: text such as \" Mary\", or #ID); default: the model's own top prediction" };
        var wrong = new Option<string?>("--wrong") { Description = "A wrong-answer token: read the logit difference answer - wrong" };
        var outDir = new Option<string>("--out") { Description = "Output folder (new, empty, or an earlier lens output)", Required = true };
        var command = new Command("lens", "Logit lens and direct logit attribution of every head, MLP, embedding and bias term");
        model.AddTo(command);
        inputs.AddTo(command);
        foreach (var o in new Option[] { answer, wrong, outDir })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                inputs.CheckOne(parse);
                if (inputs.IsTask(parse) && (parse.GetValue(answer) is not null || parse.GetValue(wrong) is not null))
                {
                    throw new BadInputException("--answer and --wrong go with --prompt or --tokens; a task brings its own answers");
                }

                using var output = OutputFolder.Claim(parse.GetValue(outDir)!, OutputKind, [parse.GetValue(model.Model), parse.GetValue(model.Weights), parse.GetValue(inputs.Task)]);
                using var loaded = model.Load(parse);
                int vocabulary = loaded.Model.Config.EffectiveDVocabOut;
                LensReport report;
                if (inputs.IsTask(parse))
                {
                    report = LensView.ForTask(loaded.Model, inputs.Dataset(parse, loaded, stderr), loaded.Source);
                }
                else
                {
                    var ids = inputs.PromptIds(parse, loaded);
                    int? answerId = parse.GetValue(answer) is { } a ? SingleToken.Parse(a, loaded.Tokenizer, vocabulary, "--answer") : null;
                    int? wrongId = parse.GetValue(wrong) is { } w ? SingleToken.Parse(w, loaded.Tokenizer, vocabulary, "--wrong") : null;
                    report = LensView.ForPrompt(loaded.Model, loaded.Tokenizer, ids, answerId, wrongId, loaded.Source);
                }

                var files = ViewFolder.Write(output, "lens", LensJson.Write(report), [report.Lens, report.Components, report.Heads]);
                Print(report, stdout);
                stderr.WriteLine($"lens: wrote {files.Count} files to {output.Given}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static void Print(LensReport report, TextWriter stdout)
    {
        int last = report.Lens.Columns.Count - 1;
        stdout.WriteLine(TerminalText.OneLine($"{report.Source} ({report.Prompts} prompt{(report.Prompts == 1 ? string.Empty : "s")}): {report.Target} at {report.Lens.Columns[last]}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model: {report.Logit[last]:F4}   sum of attributions: {report.AttributionSum[last]:F4}"));
        stdout.WriteLine("logit lens:");
        for (int r = 0; r < report.Lens.Rows.Count; r++)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {report.Lens.Rows[r],-12} {report.Lens[r, last],10:F4}"));
        }

        stdout.WriteLine("largest direct attributions:");
        var top = Enumerable.Range(0, report.Components.Rows.Count)
            .OrderByDescending(r => Math.Abs(report.Components[r, last]))
            .Take(10);
        foreach (int r in top)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {report.Components.Rows[r],-12} {report.Components[r, last],10:F4}"));
        }
    }
}
