using System.CommandLine;
using System.Globalization;
using CircuitFinder.Model;
using CircuitFinder.Model.Training;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder zoo train NAME [--seed S] [--steps N] --out DIR [--no-checkpoints] [--json]</c>: trains a toy recipe
/// from scratch and writes the model, <c>training.json</c>, expected logits and log-spaced checkpoints into DIR.
/// </summary>
public static class ZooTrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = $"The recipe: {string.Join(", ", ToyModelRecipes.Names)}" };
        var seed = new Option<int>("--seed", "-s") { Description = "Random seed (weights and data)", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "Optimizer steps (default: the recipe's)" };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write the model into", Required = true };
        var noCheckpoints = new Option<bool>("--no-checkpoints") { Description = "Do not save checkpoints/step_{n}/" };
        var json = new Option<bool>("--json") { Description = "Print training.json on stdout" };
        var command = new Command("train", "Train a toy model from scratch (no downloads) and save it with its checkpoints") { name };
        foreach (var o in new Option[] { seed, steps, output, noCheckpoints, json })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var recipe = ToyModelRecipes.Get(parse.GetValue(name)!);
                int? stepCount = parse.GetValue(steps);
                if (stepCount is < 1)
                {
                    throw new BadInputException($"--steps must be at least 1, got {stepCount}");
                }

                string folder = parse.GetValue(output)!;
                OutputFolder.Check(folder, ToyTrainer.OutputKind); // before any work; the trainer claims it again to write

                var options = new TrainingOptions { Seed = parse.GetValue(seed), Steps = stepCount, SaveCheckpoints = !parse.GetValue(noCheckpoints) };
                bool quiet = parse.GetValue(GlobalOptions.Quiet);
                var report = ConsoleProgress.Run($"train {recipe.Name}", quiet, progress => ToyTrainer.Train(
                    recipe,
                    options,
                    folder,
                    new InlineProgress(p => progress.Report(($"step {p.Step}/{p.Steps} loss {p.Loss.ToString("F3", CultureInfo.InvariantCulture)}", p.Step / (double)p.Steps)))));
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(TrainingJson.ToJson(report)));
                }
                else if (!quiet)
                {
                    stderr.WriteLine(Summary(report, folder));
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static string Summary(TrainingReport report, string folder)
    {
        var c = CultureInfo.InvariantCulture;
        string line = string.Create(c, $"trained {report.Recipe} (seed {report.Seed}, {report.Steps} steps, {report.TrainSeconds:F1} s): final loss {report.SmoothedFinalLoss:F3}");
        if (report.Induction is { } i)
        {
            line += string.Create(c, $"; repeated tokens loss {i.FirstOccurrenceLoss:F3} → {i.SecondOccurrenceLoss:F3}; previous-token head {i.BestPreviousTokenHead.Id} ({i.BestPreviousTokenHead.PreviousToken:F2})");
            if (i.BestInductionHead is { } h)
            {
                line += string.Create(c, $", induction head {h.Id} ({h.Induction:F2})");
            }
        }

        if (report.IoiAccuracy is { } accuracy)
        {
            line += string.Create(c, $"; IOI accuracy {accuracy:P1}");
        }

        return line + $"; written to {folder}";
    }

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
