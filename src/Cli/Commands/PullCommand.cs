using System.CommandLine;
using CircuitFinder.Model.Hub;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder pull NAME[@REVISION] [--revisions LIST]</c>: fetches what a model needs from the hub into the
/// HuggingFace cache (<see cref="HubPull"/>), for each revision asked (a list, or a preset such as <c>pythia</c>), and
/// prints where each snapshot is. The only command besides <c>--download</c> that touches the network.
/// </summary>
public static class PullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "A hub id or TransformerLens name, optionally @REVISION (branch, tag or commit)" };
        var revisions = new Option<string?>("--revisions") { Description = "Revisions to fetch: a comma-separated list (step0,step512,...) or a preset (pythia)" };
        var command = new Command("pull", "Download a model (config, tokenizer, weights) from the hub into the HuggingFace cache");
        command.Add(name);
        command.Add(revisions);
        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string spec = parse.GetValue(name)!;
                var reference = HubReference.Parse(spec, "pull");
                var references = parse.GetValue(revisions) is { } list
                    ? spec.Contains('@', StringComparison.Ordinal)
                        ? throw new BadInputException($"pull: give a revision in {spec} or --revisions, not both")
                        : RevisionList.Parse(list, "--revisions").Select(reference.At).ToList()
                    : [reference];
                var hub = CliEnvironment.Hub();
                if (hub.Offline)
                {
                    throw new BadInputException($"pull {spec}: HF_HUB_OFFLINE is set, so the hub may not be contacted");
                }

                foreach (var (one, i) in references.Select((r, i) => (r, i)))
                {
                    var snapshot = HubProgress.Run(parse.GetValue(GlobalOptions.Quiet), progress => HubPull.Pull(one, hub, progress));
                    stdout.WriteLine($"{one} {snapshot.Commit} {snapshot.Folder}");
                    if (references.Count > 1)
                    {
                        stderr.WriteLine($"pull: {i + 1}/{references.Count} revisions");
                    }
                }

                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return command;
    }
}
