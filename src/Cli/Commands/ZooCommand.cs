using System.CommandLine;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Zoo;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder zoo list [--json]</c>: the built-in models (load one with <c>--model zoo:NAME</c>), each with its
/// parameter count, architecture, task and whether its circuit is known.
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
                    stdout.WriteLine(JsonOutput.Format(new JObject { ["models"] = new JArray(rows) }));
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
        return command;
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
