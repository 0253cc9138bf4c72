using System.CommandLine;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder wiki (--models M1 M2 ... | --family DIR | --family NAME --revisions LIST) --out DIR [--shard i/n] [--download]
/// [detector options]</c>: scores every
/// head of every model of a family and writes the head-category wiki (<see cref="WikiSite"/>); with <c>--shard i/n</c> it
/// scores only its share of the models and writes <c>DIR/shard.json</c> instead. <c>circuitfinder wiki merge SHARD_DIR...
/// --out DIR</c> joins the shards into the same site a single run writes. The work is the libraries'
/// (<see cref="WikiBuild"/>, <see cref="WikiShardFile"/>, <see cref="WikiMerge"/>); this parses, draws progress and prints.
/// </summary>
public static class WikiCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var settings = new DetectorSettings();
        var models = new Option<string[]>("--models") { Description = "The models of the family (folders or zoo:NAME), in order", AllowMultipleArgumentsPerToken = true };
        var family = new Option<string?>("--family") { Description = "A folder of model folders (step_N folders: checkpoints), or zoo:NAME for its shipped checkpoints" };
        var outDir = new Option<string>("--out") { Description = "Output folder (the site, or the shard)", Required = true };
        var shard = new Option<string?>("--shard") { Description = "Compute only shard i of n (i/n) and write DIR/shard.json for wiki merge" };
        var title = new Option<string?>("--title") { Description = "The wiki's title (default: from the family)" };
        var revisions = new Option<string?>("--revisions") { Description = "With --family NAME (a hub id or TransformerLens name): its revisions, e.g. training checkpoints step0,step512,... or the preset pythia" };
        var download = new Option<bool>("--download") { Description = "Fetch models given by name that are not in the HuggingFace cache from the hub" };
        var command = new Command("wiki", "Build the head-category wiki of a family of models (pages, tables, heat maps, training curves)");
        settings.AddTo(command);
        foreach (var o in new Option[] { models, family, outDir, shard, title, revisions, download })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var (modelList, familyFolder) = (parse.GetValue(models), parse.GetValue(family));
                if ((modelList is { Length: > 0 }) == (familyFolder is not null))
                {
                    throw new BadInputException("wiki: give either --models M1 M2 ... or --family DIR");
                }

                var revisionList = parse.GetValue(revisions) is { } r ? RevisionList.Parse(r, "--revisions") : null;
                var members = (familyFolder, revisionList) switch
                {
                    (null, null) => ModelFamily.FromModels(modelList!, "--models"),
                    (null, _) => throw new BadInputException("--revisions: give the model with --family NAME"),
                    (_, null) => ModelFamily.FromFolder(familyFolder, "--family"),
                    _ => ModelFamily.FromRevisions(familyFolder, revisionList, "--family"),
                };
                var part = parse.GetValue(shard) is { } s ? FamilyShard.Parse(s, "--shard") : FamilyShard.All;
                var hub = CliEnvironment.Hub();
                var detectors = settings.Select(parse);
                var options = settings.Options(parse);
                string folder = parse.GetValue(outDir)!;
                bool sharded = parse.GetValue(shard) is not null;
                string?[] inputs = [revisionList is null ? familyFolder : null, .. members.Entries.Select(e => e.Source), .. settings.Inputs(parse)];
                using var output = OutputFolder.Claim(folder, sharded ? WikiShardFile.OutputKind : WikiSite.OutputKind, inputs);

                var missing = parse.GetValue(download) ? members.EntriesOf(part).Where(e => HubModels.NeedsDownload(e.Source, hub)).ToList() : [];
                if (missing.Count > 0)
                {
                    HubProgress.Run(parse.GetValue(GlobalOptions.Quiet), progress => missing.Select(e => HubModels.Locate(e.Source, hub, download: true, progress)).ToList());
                }

                var computed = ConsoleProgress.Run(
                    "wiki", parse.GetValue(GlobalOptions.Quiet), progress => WikiBuild.Scan(members, part, detectors, options, parse.GetValue(title), progress, new LoadOptions { Hub = hub }));
                var result = new WikiShard(computed, members.Names, part.Index, part.Count);
                if (sharded)
                {
                    string file = WikiShardFile.Write(output, result);
                    stderr.WriteLine($"wiki: shard {part}: {computed.Models.Count} of {members.Entries.Count} models; wrote {file}");
                    return ExitCodes.Success;
                }

                var site = WikiMerge.Single(result);
                WikiSite.Write(output, site);
                stderr.WriteLine($"wiki: {site.Models.Count} models; wrote {Path.Combine(folder, "index.html")}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        command.Add(MergeCommand(stderr));
        return command;
    }

    private static Command MergeCommand(TextWriter stderr)
    {
        var shards = new Argument<string[]>("shards") { Description = "Shard folders (or their shard.json files) written by wiki --shard i/n", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Output folder for the site", Required = true };
        var merge = new Command("merge", "Join wiki shards into one site");
        merge.Add(shards);
        merge.Add(outDir);
        merge.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                string folder = parse.GetValue(outDir)!;
                var given = parse.GetValue(shards)!;
                using var output = OutputFolder.Claim(folder, WikiSite.OutputKind, given);
                var parts = given.Select(WikiShardFile.Read).ToList();
                var site = WikiMerge.Merge(parts);
                WikiSite.Write(output, site);
                stderr.WriteLine($"wiki merge: {parts.Count} shards, {site.Models.Count} models; wrote {Path.Combine(folder, "index.html")}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return merge;
    }
}
