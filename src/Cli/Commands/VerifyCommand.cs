using System.CommandLine;
using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Views;
using CircuitFinder.Reports;
using CircuitFinder.Reports.CircuitPages;
using CircuitFinder.Reports.Verification;
using CircuitFinder.Scrubbing.Verification;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder verify --model M --task T (--circuit FILE | --hypothesis FILE ...) [--truth FILE] [--metric ...]
/// [--ablation ...] [--json] [--out DIR | --merge]</c>: faithfulness, the MIB faithfulness curve (when the file has
/// scores), completeness and minimality, ground-truth precision / recall / AUROC, and causal scrubbing of hypotheses;
/// a short summary on stdout (or the JSON with <c>--json</c>), <c>DIR/verification.json</c> with the explorable
/// <c>DIR/circuit.html</c> of the circuit and its results, or the same object merged
/// into the given circuit.json under <c>verification</c>.
/// The command parses the options, reads the circuit files, runs a <see cref="VerificationRun"/>, writes and prints.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "Built-in task name or a task file", Required = true };
        var circuit = new Option<string?>("--circuit") { Description = "circuit.json, an EAP-IG / MIB graph JSON, or a list of edge or node ids" };
        var hypothesis = new Option<string[]>("--hypothesis") { Description = "A causal-scrubbing hypothesis file (docs/hypothesis.md); may be repeated", DefaultValueFactory = _ => [] };
        var truth = new Option<string?>("--truth") { Description = "A ground-truth circuit (e.g. from `zoo truth`) to score the circuit against" };
        var metric = new Option<string?>("--metric") { Description = "kl, logit-diff, prob, prob-diff, logprob, loss, accuracy (default: the one a circuit.json recorded, else the task's)" };
        var ablation = new Option<string?>("--ablation") { Description = "resample, mean, mean-positions, zero, noise (default: the one a circuit.json recorded, else resample)" };
        var count = new Option<int?>("--n") { Description = "Prompts to generate for a built-in task (default 32), or the first N of a task file (default: all)" };
        var bos = new TaskReadSwitches();
        var seed = new Option<int?>("--seed") { Description = "Seed for generated prompts, noise, subsets and resampling (default: the one a circuit.json recorded, else 0)" };
        var subsets = new Option<int>("--subsets") { Description = "Random node subsets for completeness and minimality", DefaultValueFactory = _ => 16 };
        var greedy = new Option<int>("--greedy-steps") { Description = "Greedy steps for completeness and minimality", DefaultValueFactory = _ => 4 };
        var skipCompleteness = new Option<bool>("--no-completeness") { Description = "Skip completeness and minimality" };
        var draws = new Option<int>("--draws") { Description = "Causal scrubbing: resampling draws per prompt", DefaultValueFactory = _ => 8 };
        var scrubMode = new Option<string>("--scrub") { Description = "Causal scrubbing: tree (treeified, Chan et al.) or node (node-level approximation)", DefaultValueFactory = _ => "tree" };
        var budget = new Option<int>("--scrub-budget") { Description = "Causal scrubbing: most node evaluations per draw", DefaultValueFactory = _ => 4096 };
        var scrubBatch = new Option<int>("--scrub-batch") { Description = "Causal scrubbing: prompts scrubbed at once (memory)", DefaultValueFactory = _ => 64 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print the verification JSON on stdout instead of the summary" };
        var outDir = new Option<string?>("--out") { Description = "Write DIR/verification.json and, with --circuit, the report DIR/circuit.html" };
        var merge = new Option<bool>("--merge") { Description = "Merge the results into the --circuit circuit.json under 'verification'" };
        var command = new Command("verify", "Check a circuit (faithfulness, curve, completeness, minimality, ground truth) or a causal-scrubbing hypothesis");
        model.AddTo(command);
        bos.AddTo(command);
        foreach (var o in new Option[] { task, circuit, hypothesis, truth, metric, ablation, count, seed, subsets, greedy, skipCompleteness, draws, scrubMode, budget, scrubBatch, bootstrap, json, outDir, merge })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var clock = Stopwatch.StartNew();
                string? circuitPath = parse.GetValue(circuit);
                var hypotheses = parse.GetValue(hypothesis) ?? [];
                string? truthPath = parse.GetValue(truth);
                if (circuitPath is null && hypotheses.Length == 0)
                {
                    throw new BadInputException("verify needs --circuit FILE, --hypothesis FILE, or both");
                }

                if (parse.GetValue(merge) && circuitPath is null)
                {
                    throw new BadInputException("--merge writes into the --circuit circuit.json: give --circuit");
                }

                if (truthPath is not null && circuitPath is null)
                {
                    throw new BadInputException("--truth compares a circuit with the ground truth: give --circuit too");
                }

                // a circuit.json is verified the way it was discovered unless told otherwise
                var recorded = circuitPath is null ? null : CircuitFileReader.Recorded(circuitPath);
                var used = new RecordedSettings(
                    parse.GetValue(metric) ?? recorded?.Metric,
                    parse.GetValue(ablation) ?? recorded?.Ablation ?? "resample",
                    recorded?.Level,
                    parse.GetValue(seed) ?? recorded?.Seed ?? 0);
                if (recorded is not null)
                {
                    stderr.WriteLine(VerifySettingsLine(used, recorded, parse.GetValue(metric) is not null, parse.GetValue(ablation) is not null, parse.GetValue(seed) is not null));
                }

                var run = new VerificationRun(new VerificationSettings
                {
                    Metric = used.Metric,
                    Ablation = used.Ablation!,
                    Seed = used.Seed!.Value,
                    Completeness = !parse.GetValue(skipCompleteness),
                    RandomSubsets = parse.GetValue(subsets),
                    GreedySteps = parse.GetValue(greedy),
                    ScrubMode = parse.GetValue(scrubMode) switch
                    {
                        "tree" => ScrubMode.Tree,
                        "node" => ScrubMode.Node,
                        var other => throw new BadInputException($"--scrub: unknown mode '{other}' (expected tree or node)"),
                    },
                    Draws = parse.GetValue(draws),
                    ScrubBudget = parse.GetValue(budget),
                    ScrubBatch = parse.GetValue(scrubBatch),
                    BootstrapSamples = parse.GetValue(bootstrap),
                });
                string? folder = parse.GetValue(outDir);
                string?[] inputs = [parse.GetValue(model.Model), parse.GetValue(model.Weights), parse.GetValue(task), circuitPath, truthPath, .. hypotheses];
                using var output = folder is null ? null : OutputFolder.Claim(folder, "verify", inputs);
                if (parse.GetValue(merge))
                {
                    OutputFile.Check(circuitPath!, option: "--merge");
                }

                using var loaded = model.Load(parse);
                var dataset = TaskSource.Resolve(parse.GetValue(task)!, parse.GetValue(count), 32, used.Seed!.Value, loaded, bos.PrependBos(parse), stderr);
                var graphFor = ModelGraph.Levels(loaded.Model.Config);
                var file = circuitPath is null ? null : CircuitFileReader.Read(circuitPath, graphFor);
                if (file is { Circuit.Count: > 0 } && parse.GetValue(merge) && file.Format != "circuit.json")
                {
                    throw new BadInputException($"--merge writes into the --circuit file, which must be a circuit.json ({circuitPath} is {file.Format})");
                }

                var request = new VerificationRequest { Circuit = file, Truth = truthPath is null ? null : CircuitFileReader.Read(truthPath, graphFor), Hypotheses = hypotheses };
                double load = clock.Elapsed.TotalSeconds;
                var record = ConsoleProgress.RunPhases(parse.GetValue(GlobalOptions.Quiet), progress =>
                    run.Run(loaded, dataset, request, new SynchronousProgress<VerificationProgress>(p => progress.Report((p.Phase, p.Step, p.Fraction)))));
                record = record with { Timings = new Dictionary<string, double>(record.Timings) { ["load"] = load, ["total"] = clock.Elapsed.TotalSeconds } };
                var verification = VerificationJson.Write(record);
                var written = new List<string>();
                if (output is not null)
                {
                    AtomicFile.WriteAllText(output.File("verification.json"), JsonFiles.Format(verification) + "\n");
                    written.Add(Path.Combine(folder!, "verification.json"));
                    if (file is not null)
                    {
                        var views = NodeViewRun.Compute(loaded.Model, loaded.Tokenizer, dataset, file.Circuit.Nodes(file.Graph), loaded.Source);
                        AtomicFile.WriteAllText(output.File("circuit.html"), CircuitHtml.Write(CircuitPageSource.FromFile(file, verification) with { Views = views }));
                        written.Add(Path.Combine(folder!, "circuit.html"));
                    }

                    output.Commit();
                }

                if (parse.GetValue(merge) && file is not null)
                {
                    var merged = VerificationJson.Merge(JsonFiles.ReadObject(file.Path), verification);
                    AtomicFile.WriteAllText(file.Path, JsonFiles.Format(merged) + "\n");
                    written.Add(file.Path);
                }

                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(verification));
                }
                else
                {
                    foreach (var line in VerificationText.Lines(record))
                    {
                        stdout.WriteLine(line);
                    }
                }

                if (written.Count > 0)
                {
                    stderr.WriteLine($"wrote {string.Join(", ", written)}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }

    /// <summary>The line saying which metric, ablation, level and seed verify uses, and which came from the circuit file.</summary>
    private static string VerifySettingsLine(RecordedSettings used, RecordedSettings recorded, bool metricGiven, bool ablationGiven, bool seedGiven)
    {
        string From(bool given, object? value) => given ? "given" : value is null ? "default" : "from circuit.json";
        return $"verify: metric {used.Metric ?? "(the task's)"} ({From(metricGiven, recorded.Metric)}), ablation {used.Ablation} ({From(ablationGiven, recorded.Ablation)}), "
            + $"level {used.Level ?? "(the file's)"} (from circuit.json), seed {used.Seed} ({From(seedGiven, recorded.Seed)})";
    }
}
