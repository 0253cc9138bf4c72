using System.CommandLine;
using CircuitFinder.Model.Loading;
using CircuitFinder.Studies;
using CircuitFinder.Studies.Framework;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder study list</c>: the seed studies with their seed problems, claims and default inputs;
/// <c>circuitfinder study NAME [--model M | --family F [--revisions LIST]] [--task T] [--n N] [--seed S] [--from C --to C] --out DIR [--strict]</c>: runs one
/// (<see cref="StudyRun"/>) and writes <c>study.json</c>, <c>report.md</c>, <c>report.html</c> and <c>img/</c>
/// (<see cref="StudyFolder"/>). A failed claim is a result: exit 0, or 3 with <c>--strict</c>.
/// </summary>
public static class StudyCommand
{
    /// <summary>The exit code of <c>--strict</c> when a claim fails.</summary>
    public const int ClaimFailed = 3;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The study (see study list), or list" };
        var model = new Option<string?>("--model", "-m") { Description = "The model (a folder, zoo:NAME, or a hub name in the HuggingFace cache); default: the study's" };
        var family = new Option<string?>("--family") { Description = "Checkpoints of one run (a folder of step_N folders, or zoo:NAME) for studies across training; default: the study's" };
        var task = new Option<string?>("--task") { Description = "A built-in task or a task file; default: the study's (or the model's own)" };
        var n = new Option<int?>("--n") { Description = "Prompts (sequences) per batch; default: the study's" };
        var seed = new Option<int>("--seed") { Description = "Seed of every random input (prompts, random tokens, baselines)", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out") { Description = "Output folder (study.json, report.md, report.html, img/)" };
        var revisions = new Option<string?>("--revisions") { Description = "With --family NAME (a hub model): its revisions, e.g. training checkpoints step0,step512,... or the preset pythia" };
        var from = new Option<string?>("--from") { Description = "training-diff: the earlier checkpoint of the family (e.g. step_512)" };
        var to = new Option<string?>("--to") { Description = "training-diff: the later checkpoint of the family (e.g. step_1024)" };
        var strict = new Option<bool>("--strict") { Description = $"Exit with code {ClaimFailed} when a claim fails (default: 0, a failed claim is a result)" };
        var command = new Command("study", "Run a seed study: one open problem's experiment, with claims checked (study list shows them)");
        command.Add(name);
        foreach (var o in new Option[] { model, family, revisions, task, n, seed, from, to, outDir, strict })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string key = parse.GetValue(name)!;
                if (key == "list")
                {
                    List(stdout);
                    return ExitCodes.Success;
                }

                var study = StudyCatalog.Get(key);
                string folder = parse.GetValue(outDir) ?? throw new BadInputException($"study {key}: give --out DIR");
                var inputs = new StudyInputs
                {
                    Model = parse.GetValue(model),
                    Family = parse.GetValue(family),
                    Task = parse.GetValue(task),
                    N = parse.GetValue(n),
                    Seed = parse.GetValue(seed),
                    Revisions = parse.GetValue(revisions),
                    From = parse.GetValue(from),
                    To = parse.GetValue(to),
                    Load = new LoadOptions { Hub = CliEnvironment.Hub() },
                };
                string?[] given = [inputs.Model, inputs.Revisions is null ? inputs.Family : null, inputs.Task is { } t && File.Exists(t) ? t : null];
                using var output = OutputFolder.Claim(folder, StudyFolder.OutputKind, given.Where(g => g is not null && !g.StartsWith("zoo:", StringComparison.Ordinal)));
                var result = StudyRun.Run(study, inputs);
                StudyFolder.Write(output, result);
                foreach (var claim in result.Claims)
                {
                    stdout.WriteLine($"{claim.Verdict}  {claim.Id}: {claim.Decision}");
                }

                stderr.WriteLine($"study {study.Name}: {result.Claims.Count(c => c.Passed)} of {result.Claims.Count} claims pass; wrote {Path.Combine(folder, "report.html")}");
                return parse.GetValue(strict) && !result.AllPassed ? ClaimFailed : ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    private static void List(TextWriter stdout)
    {
        foreach (var study in StudyCatalog.All)
        {
            stdout.WriteLine($"{study.Name}  [{study.SeedProblems}]");
            stdout.WriteLine($"  {study.Description}");
            stdout.WriteLine($"  default  {study.Defaults.Describe()}");
            foreach (var claim in study.ClaimStatements)
            {
                stdout.WriteLine($"  claim    {claim}");
            }
        }
    }
}
