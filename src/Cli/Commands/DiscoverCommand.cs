using System.CommandLine;
using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Views;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder discover --model M --task T --method acdc|eap|eap-ig|hybrid [--threshold τ | --edges K | --budget P]
/// [--metric ...] [--ablation ...] [--level head|qkv|neuron] [--positions none|all|labels] [--n N] [--seed S] [--resume] --out DIR</c>: writes
/// circuit.json, circuit.dot, the explorable circuit.html and, where Graphviz is installed, circuit.svg; ACDC and the hybrid save progress in
/// DIR/acdc-checkpoint.json, which <c>--resume</c> continues from (to the identical circuit) and <c>--restart</c> discards.
/// DIR is claimed before any work (<see cref="OutputFolder"/>): new, empty, or discover's own earlier output.
/// The command parses the options, runs a <see cref="DiscoveryRun"/>, writes the files and prints a one-line summary.
/// </summary>
public static class DiscoverCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "Built-in task name or a task file", Required = true };
        var method = new Option<string>("--method") { Description = "acdc, eap, eap-ig or hybrid", DefaultValueFactory = _ => "eap-ig" };
        var threshold = new Option<double?>("--threshold") { Description = "ACDC's τ, or a |score| threshold for eap/eap-ig" };
        var edges = new Option<int?>("--edges") { Description = "Keep the top K edges by |score| (eap, eap-ig)" };
        var budget = new Option<double?>("--budget") { Description = "Keep this percent of all edges by |score| (eap, eap-ig)" };
        var metric = new Option<string?>("--metric") { Description = "kl, logit-diff, prob, prob-diff, logprob, loss, accuracy (default: kl for acdc, else the task's)" };
        var ablation = new Option<string>("--ablation") { Description = "resample, mean, mean-positions, zero, noise", DefaultValueFactory = _ => "resample" };
        var level = new Option<string>("--level") { Description = "head, qkv, or neuron (every MLP neuron a source of its own, each MLP the destination that reads for its neurons)", DefaultValueFactory = _ => "qkv" };
        var positions = new Option<string>("--positions") { Description = "none, all (an edge per token position) or labels (an edge per word label of the task, the rest as 'other')", DefaultValueFactory = _ => "none" };
        var count = new Option<int?>("--n") { Description = "Prompts to generate for a built-in task (default 32), or the first N of a task file (default: all)" };
        var bos = new TaskReadSwitches();
        var seed = new Option<int>("--seed") { Description = "Seed for generated prompts and noise", DefaultValueFactory = _ => 0 };
        var igSteps = new Option<int>("--ig-steps") { Description = "EAP-IG integration steps", DefaultValueFactory = _ => 5 };
        var screen = new Option<double>("--screen") { Description = "hybrid: the screen's starting size as a fraction of all edges (it doubles until the edges left out pass ACDC's test together)", DefaultValueFactory = _ => 0.01 };
        var screenMin = new Option<int>("--screen-min") { Description = "hybrid: the screen's smallest starting size, in edges", DefaultValueFactory = _ => 256 };
        var screenMax = new Option<int?>("--screen-max") { Description = "hybrid: the most edges the screen may grow to (default: all; a screen stopped there is not certified)" };
        var fixedScreen = new Option<bool>("--fixed-screen") { Description = "hybrid: keep the starting screen even when the edges left out fail ACDC's test (the certificate says so)" };
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var resume = new Option<bool>("--resume") { Description = "ACDC/hybrid: continue an interrupted run from --out/acdc-checkpoint.json" };
        var restart = new Option<bool>("--restart") { Description = "Discard an unfinished run's checkpoint in --out and start over" };
        var batchSize = new Option<int?>("--batch") { Description = "Prompts per batch (default: all at once); smaller batches use less memory" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "ACDC/hybrid: save progress after this many edge tests", DefaultValueFactory = _ => 200 };
        var command = new Command("discover", "Find the circuit for a task and write circuit.json, circuit.dot, circuit.html (and circuit.svg)");
        model.AddTo(command);
        bos.AddTo(command);
        foreach (var o in new Option[] { task, method, threshold, edges, budget, metric, ablation, level, positions, count, seed, igSteps, screen, screenMin, screenMax, fixedScreen, batchSize, outDir, resume, restart, checkpointEvery })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var clock = Stopwatch.StartNew();
                string folder = parse.GetValue(outDir)!;
                var run = new DiscoveryRun(new DiscoverySettings
                {
                    Method = parse.GetValue(method)!,
                    Threshold = parse.GetValue(threshold),
                    TopK = parse.GetValue(edges),
                    BudgetPercent = parse.GetValue(budget),
                    Metric = parse.GetValue(metric),
                    Ablation = parse.GetValue(ablation)!,
                    Level = GraphLevels.Parse(parse.GetValue(level))
                        ?? throw new BadInputException($"--level: unknown level '{parse.GetValue(level)}' (expected head, qkv or neuron)"),
                    Positions = GraphPositions.ParseMode(parse.GetValue(positions))
                        ?? throw new BadInputException($"--positions: unknown mode '{parse.GetValue(positions)}' (expected none, all or labels)"),
                    Seed = parse.GetValue(seed),
                    IgSteps = parse.GetValue(igSteps),
                    ScreenFraction = parse.GetValue(screen),
                    ScreenMinimum = parse.GetValue(screenMin),
                    ScreenMaximum = parse.GetValue(screenMax),
                    FixedScreen = parse.GetValue(fixedScreen),
                    BatchSize = parse.GetValue(batchSize),
                    CheckpointPath = Path.Combine(folder, ReportFiles.Checkpoint),
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Resume = parse.GetValue(resume),
                    Restart = parse.GetValue(restart),
                });
                using var output = OutputFolder.Claim(folder, "discover", [parse.GetValue(model.Model), parse.GetValue(model.Weights), parse.GetValue(task)]);
                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), 32, parse.GetValue(seed), loaded, bos.PrependBos(parse), stderr);
                double load = clock.Elapsed.TotalSeconds;
                if (run.Algorithm.Traits.Checkpoints)
                {
                    output.MarkInPlace(ReportFiles.Checkpoint); // the checkpoint lives in --out itself, so a killed run can resume
                }

                var record = ConsoleProgress.Run($"discover ({run.Algorithm.Name})", parse.GetValue(GlobalOptions.Quiet), progress =>
                    run.Run(loaded, dataset, new SynchronousProgress<DiscoveryProgress>(p => progress.Report(($"{p.Done}/{p.Total} edges tested, circuit {p.CircuitEdges} edges", p.Total == 0 ? 1 : (double)p.Done / p.Total)))));
                record = record with { Timings = new Dictionary<string, double>(record.Timings) { ["load"] = load, ["total"] = clock.Elapsed.TotalSeconds } };
                var views = NodeViewRun.Compute(loaded.Model, loaded.Tokenizer, dataset, record.Circuit.Nodes(record.Graph), loaded.Source);
                var written = ReportFiles.Write(output.Staging, record, views).Select(f => Path.Combine(folder, Path.GetFileName(f))).ToList();
                output.Commit(); // the new report replaces the folder, checkpoint included: nothing is left to resume

                stderr.WriteLine(
                    $"{record.Method}: {record.Circuit.Count} of {record.Graph.Edges.Count} edges, faithfulness {record.Faithfulness:F3}; wrote {string.Join(", ", written)}");
                if (record.Certificate is { } certificate)
                {
                    stderr.WriteLine(
                        $"hybrid screen: {string.Join(" -> ", certificate.Rounds.Select(r => $"{r.Edges} edges (damage {r.Damage:G3})"))}; {(certificate.Certified ? "certified" : "NOT certified")} below τ = {certificate.Threshold:G3}; {certificate.ExactTests} exact tests; {certificate.CostInForwards:F1} forwards");
                }

                foreach (var warning in record.Warnings)
                {
                    stderr.WriteLine($"warning: {warning}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
