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

                if (!File.Exists(path))
                {
                    throw new BadInputException($"{path}: file not found");
                }

                if (CircuitJsonDocument.FirstCharacter(path) != '{')
                {
                    throw new BadInputException($"{path}: not a {CircuitJson.Schema} file (not a JSON object)");
                }

                var document = CircuitJsonDocument.Load(path); // the edges streamed: a neuron-level file holds millions
                try
                {
                    JsonOutput.Write(writer => EapIgGraphJson.Write(document, path, writer), parse.GetValue(outFile), stdout);
                }
                catch (FormatException e)
                {
                    throw new BadInputException(e.Message, e);
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
