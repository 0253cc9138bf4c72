using System.CommandLine;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Views;
using CircuitFinder.Reports.CircuitPages;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder report CIRCUIT [VERIFICATION] --out FILE.html [--model M --task T [--n N]]</c>: the explorable circuit
/// report (<see cref="CircuitHtml"/>) of a circuit made anywhere (<c>circuit.json</c>, EAP-IG / MIB graph JSON, id lists),
/// with a <c>verification.json</c>'s results. Without <c>--model</c> the graph's shape comes from the file; with it (and
/// <c>--task</c>) the node panel also shows attention patterns and direct logit attribution. FILE is replaced only when it
/// is a report this tool wrote (<see cref="CircuitPageFile"/>).
/// </summary>
public static class ReportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        model.Model.Required = false;
        model.Model.Description = "Optional: the model the circuit was found on; with --task, the node panel shows attention patterns and attribution";
        var circuit = new Argument<string>("circuit") { Description = "circuit.json, an EAP-IG / MIB graph JSON, or a list of edge or node ids" };
        var verification = new Argument<string?>("verification") { Description = "verification.json from `verify --out` (optional)", Arity = ArgumentArity.ZeroOrOne };
        var task = new Option<string?>("--task") { Description = "Built-in task name or a task file, for the attention patterns and attribution (needs --model)" };
        var count = new Option<int?>("--n") { Description = "Prompts to generate for a built-in task (default 8), or the first N of a task file" };
        var seed = new Option<int>("--seed") { Description = "Seed for generated prompts", DefaultValueFactory = _ => 0 };
        var bos = new TaskReadSwitches();
        var outFile = new Option<string>("--out") { Description = "The HTML page to write", Required = true };
        var command = new Command("report", "Write the explorable circuit report (one self-contained HTML page) of a circuit file");
        command.Add(circuit);
        command.Add(verification);
        model.AddTo(command);
        bos.AddTo(command);
        foreach (var o in new Option[] { task, count, seed, outFile })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string circuitPath = parse.GetValue(circuit)!;
                string? verificationPath = parse.GetValue(verification);
                string html = parse.GetValue(outFile)!;
                string? modelName = parse.GetValue(model.Model);
                if (parse.GetValue(task) is not null && modelName is null)
                {
                    throw new BadInputException("--task: the attention patterns and attribution need the model too; give --model");
                }

                CircuitPageFile.Check(html, [circuitPath, verificationPath, modelName, parse.GetValue(model.Weights), parse.GetValue(task)]);
                CircuitPage page;
                if (modelName is null)
                {
                    page = CircuitPageSource.Read(circuitPath, verificationPath);
                }
                else
                {
                    using var loaded = model.Load(parse);
                    page = CircuitPageSource.Read(circuitPath, verificationPath, ModelGraph.Levels(loaded.Model.Config));
                    if (parse.GetValue(task) is { } taskName)
                    {
                        var dataset = TaskSource.Resolve(taskName, parse.GetValue(count), 8, parse.GetValue(seed), loaded, bos.PrependBos(parse), stderr);
                        page = page with { Views = NodeViewRun.Compute(loaded.Model, loaded.Tokenizer, dataset, page.Circuit.Nodes(page.Graph), loaded.Source) };
                    }
                }

                AtomicFile.WriteAllText(html, CircuitHtml.Write(page));
                stdout.WriteLine(html);
                stderr.WriteLine($"report: {page.Circuit.Count} of {page.Graph.Edges.Count} edges{(page.Scores is null ? " (no scores)" : string.Empty)}{(page.Verification is null ? string.Empty : ", with verification")}{(page.Views is null ? string.Empty : ", with attention and attribution")}; wrote {html}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
