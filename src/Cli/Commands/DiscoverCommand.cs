using System.CommandLine;
using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Discovery;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder discover --model M --task T --method acdc|eap|eap-ig|hybrid [--threshold τ | --edges K | --budget P]
/// [--metric ...] [--ablation ...] [--level head|qkv|neuron] [--n N] [--seed S] [--resume] --out DIR</c>: writes
/// circuit.json, circuit.dot and, where Graphviz is installed, circuit.svg; ACDC and the hybrid save progress in
/// DIR/acdc-checkpoint.json, which <c>--resume</c> continues from (to the identical circuit).
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
        var level = new Option<string>("--level") { Description = "head, qkv or neuron", DefaultValueFactory = _ => "qkv" };
        var count = new Option<int?>("--n") { Description = "Prompts to generate for a built-in task (default 32), or the first N of a task file (default: all)" };
        var bos = new TaskReadSwitches();
        var seed = new Option<int>("--seed") { Description = "Seed for generated prompts and noise", DefaultValueFactory = _ => 0 };
        var igSteps = new Option<int>("--ig-steps") { Description = "EAP-IG integration steps", DefaultValueFactory = _ => 5 };
        var screen = new Option<double>("--screen") { Description = "hybrid: fraction of edges (by |EAP-IG score|) given ACDC's exact test", DefaultValueFactory = _ => 0.1 };
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var resume = new Option<bool>("--resume") { Description = "ACDC/hybrid: continue an interrupted run from --out/acdc-checkpoint.json" };
        var batchSize = new Option<int?>("--batch") { Description = "Prompts per batch (default: all at once); smaller batches use less memory" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "ACDC/hybrid: save progress after this many edge tests", DefaultValueFactory = _ => 200 };
        var command = new Command("discover", "Find the circuit for a task and write circuit.json, circuit.dot (and circuit.svg)");
        model.AddTo(command);
        bos.AddTo(command);
        foreach (var o in new Option[] { task, method, threshold, edges, budget, metric, ablation, level, count, seed, igSteps, screen, batchSize, outDir, resume, checkpointEvery })
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
                    Seed = parse.GetValue(seed),
                    IgSteps = parse.GetValue(igSteps),
                    ScreenFraction = parse.GetValue(screen),
                    BatchSize = parse.GetValue(batchSize),
                    CheckpointPath = Path.Combine(folder, "acdc-checkpoint.json"),
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Resume = parse.GetValue(resume),
                });
                ReportFiles.EnsureWritable(folder);
                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), 32, parse.GetValue(seed), loaded, bos.PrependBos(parse), stderr);
                double load = clock.Elapsed.TotalSeconds;

                var record = ConsoleProgress.Run($"discover ({run.Algorithm.Name})", parse.GetValue(GlobalOptions.Quiet), progress =>
                    run.Run(loaded, dataset, new SynchronousProgress<DiscoveryProgress>(p => progress.Report(($"{p.Done}/{p.Total} edges tested, circuit {p.CircuitEdges} edges", p.Total == 0 ? 1 : (double)p.Done / p.Total)))));
                record = record with { Timings = new Dictionary<string, double>(record.Timings) { ["load"] = load, ["total"] = clock.Elapsed.TotalSeconds } };
                var written = ReportFiles.Write(folder, record);
                if (File.Exists(run.Settings.CheckpointPath))
                {
                    File.Delete(run.Settings.CheckpointPath); // the run finished: nothing left to resume
                }

                stderr.WriteLine(
                    $"{record.Method}: {record.Circuit.Count} of {record.Graph.Edges.Count} edges, faithfulness {record.Faithfulness:F3}; wrote {string.Join(", ", written)}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
