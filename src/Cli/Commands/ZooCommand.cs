using System.CommandLine;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Zoo;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder zoo list [--json]</c>: the built-in models (load one with <c>--model zoo:NAME</c>), each with its
/// parameter count, architecture, task and whether its circuit is known; <c>zoo truth NAME</c>: the known circuit as a
/// file; <c>zoo train NAME</c>: retrain a toy model.
/// </summary>
public static class ZooCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var list = new Command("list", "List the built-in models");
        list.Add(json);
        list.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var rows = ZooCatalog.Models.Select(Describe).ToList();
                if (parse.GetValue(json))
                {
                    stdout.WriteLine(JsonFiles.Format(new JObject { ["models"] = new JArray(rows) }));
                    return ExitCodes.Success;
                }

                foreach (var row in rows)
                {
                    stdout.WriteLine($"{row["model"]}");
                    stdout.WriteLine($"  {row["description"]}");
                    stdout.WriteLine($"  architecture  {row["architecture"]}");
                    stdout.WriteLine($"  parameters    {(long)row["parameter_count"]!:N0}");
                    stdout.WriteLine($"  task          {row["task"]}");
                    stdout.WriteLine($"  ground truth  {((bool)row["has_ground_truth"]! ? $"{((JArray)row["ground_truth_edges"]!).Count} edges" : "none")}");
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        var command = new Command("zoo", "Built-in models: trained toy models and planted circuits (use them as --model zoo:NAME)");
        command.Add(list);
        command.Add(ZooTrainCommand.Create(stdout, stderr));
        command.Add(CreateTruth(stdout, stderr));
        return command;
    }

    /// <summary><c>zoo truth NAME [--out FILE]</c>: the ground-truth circuit as a JSON file of edge ids.</summary>
    private static Command CreateTruth(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "A zoo model with a known circuit, e.g. planted-induction" };
        var outFile = new Option<string?>("--out") { Description = "Output file (default: stdout)" };
        var truth = new Command("truth", "Write a planted model's ground-truth circuit (edge ids at the q/k/v level)");
        truth.Add(name);
        truth.Add(outFile);
        truth.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string requested = parse.GetValue(name)!;
                if (parse.GetValue(outFile) is { } target)
                {
                    OutputFile.Check(target);
                }

                var zoo = ZooCatalog.Get(requested.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal) ? requested[ZooCatalog.Prefix.Length..] : requested);
                if (!zoo.HasGroundTruth)
                {
                    throw new BadInputException($"{ZooCatalog.Prefix}{zoo.Name} has no known ground-truth circuit (models with one: {string.Join(", ", ZooCatalog.Models.Where(m => m.HasGroundTruth).Select(m => m.Name))})");
                }

                var json = new JObject
                {
                    ["model"] = ZooCatalog.Prefix + zoo.Name,
                    ["task"] = zoo.TaskName,
                    ["level"] = "qkv",
                    ["edges"] = new JArray(zoo.GroundTruthEdges),
                };
                JsonOutput.Write(json, parse.GetValue(outFile), stdout);
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return truth;
    }

    private static JObject Describe(IZooModel zoo)
    {
        long parameters;
        using (var model = zoo.Create())
        {
            parameters = model.ParameterCount;
        }

        return new JObject
        {
            ["model"] = ZooCatalog.Prefix + zoo.Name,
            ["description"] = zoo.Description,
            ["architecture"] = Architecture(zoo.Config),
            ["parameter_count"] = parameters,
            ["task"] = zoo.TaskName,
            ["has_ground_truth"] = zoo.HasGroundTruth,
            ["ground_truth_edges"] = new JArray(zoo.GroundTruthEdges),
            ["config"] = ConfigJson.ToTransformerLens(zoo.Config),
        };
    }

    private static string Architecture(HookedTransformerConfig c) =>
        $"{c.NLayers} layers x {c.NHeads} heads, d_model {c.DModel}, d_head {c.DHead}, "
        + (c.AttnOnly ? "attention only" : $"d_mlp {c.DMlp}")
        + $", normalization {c.NormalizationType}, {c.PositionalEmbeddingType.ToString().ToLowerInvariant()} positions"
        + $", n_ctx {c.NCtx}, d_vocab {c.DVocab}";
}
