using System.CommandLine;
using CircuitFinder.Model;
using CircuitFinder.Reports;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary><c>circuitfinder export --format eap-ig circuit.json [--out FILE]</c>: the EAP-IG / MIB graph JSON.</summary>
public static class ExportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("circuit") { Description = "A circuit.json written by discover" };
        var format = new Option<string>("--format") { Description = "eap-ig (the EAP-IG / MIB graph JSON)", DefaultValueFactory = _ => "eap-ig" };
        var outFile = new Option<string?>("--out") { Description = "Output file (default: stdout)" };
        var command = new Command("export", "Convert a circuit.json to another tool's format");
        command.Add(file);
        command.Add(format);
        command.Add(outFile);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                if (parse.GetValue(format) != "eap-ig")
                {
                    throw new BadInputException($"--format: unknown format '{parse.GetValue(format)}' (expected eap-ig)");
                }

                string path = parse.GetValue(file)!;
                if (parse.GetValue(outFile) is { } target)
                {
                    OutputFile.Check(target, [path]);
                }

                var json = JsonFiles.ReadObject(path);
                JObject exported;
                try
                {
                    exported = EapIgGraphJson.FromCircuitJson(json, path);
                }
                catch (FormatException e)
                {
                    throw new BadInputException(e.Message, e);
                }

                JsonOutput.Write(exported, parse.GetValue(outFile), stdout);
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
