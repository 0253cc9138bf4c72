using System.CommandLine;
using CircuitFinder.Detectors;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Reports.Wiki;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>circuitfinder wiki (--models M1 M2 ... | --family DIR) --out DIR [--shard i/n] [detector options]</c>: scores every
/// head of every model of a family and writes the head-category wiki (<see cref="WikiSite"/>); with <c>--shard i/n</c> it
/// scores only its share of the models and writes <c>DIR/shard.json</c> instead. <c>circuitfinder wiki merge SHARD_DIR...
/// --out DIR</c> joins the shards into the same site a single run writes.
/// </summary>
public static class WikiCommand
{
    private const string ShardFile = "shard.json";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var settings = new DetectorSettings();
        var models = new Option<string[]>("--models") { Description = "The models of the family (folders or zoo:NAME), in order", AllowMultipleArgumentsPerToken = true };
        var family = new Option<string?>("--family") { Description = "A folder of model folders (step_N folders: checkpoints), or zoo:NAME for its shipped checkpoints" };
        var outDir = new Option<string>("--out") { Description = "Output folder (the site, or the shard)", Required = true };
        var shard = new Option<string?>("--shard") { Description = "Compute only shard i of n (i/n) and write DIR/shard.json for wiki merge" };
        var title = new Option<string?>("--title") { Description = "The wiki's title (default: from the family)" };
        var command = new Command("wiki", "Build the head-category wiki of a family of models (pages, tables, heat maps, training curves)");
        settings.AddTo(command);
        foreach (var o in new Option[] { models, family, outDir, shard, title })
        {
            command.Add(o);
        }

        command.SetAction(parse => CommandRunner.Execute(
            () =>
            {
                var (familyTitle, checkpoints, entries) = FamilySource.Resolve(parse.GetValue(models), parse.GetValue(family));
                var (index, count) = parse.GetValue(shard) is { } s ? FamilySource.ParseShard(s) : (1, 1);
                var detectors = settings.Select(parse);
                var options = settings.Options(parse);
                string folder = parse.GetValue(outDir)!;
                ReportFiles.EnsureWritable(folder);
                var mine = FamilySource.Shard(entries, index, count);
                var scans = ConsoleProgress.Run("wiki", parse.GetValue(GlobalOptions.Quiet), progress => mine.Select((entry, i) =>
                {
                    progress.Report(($"{entry.Name} ({i + 1}/{mine.Count})", (double)i / mine.Count));
                    return Scan(entry, detectors, options);
                }).ToList());
                var tables = scans.Select(x => x.Table).ToList();
                var part = new WikiFamily
                {
                    Title = parse.GetValue(title) ?? familyTitle,
                    IsCheckpoints = checkpoints,
                    Models = tables,
                    Categories = HeadTables.Categories(),
                    ColumnDescriptions = new SortedDictionary<string, string>(
                        scans.SelectMany(x => x.Descriptions).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().Value), StringComparer.Ordinal),
                };
                var shardJson = WikiJson.WriteShard(part, entries.Select(e => e.Name).ToList(), index, count);
                if (parse.GetValue(shard) is not null)
                {
                    AtomicFile.WriteAllText(Path.Combine(folder, ShardFile), shardJson.ToString(Formatting.Indented) + "\n");
                    stderr.WriteLine($"wiki: shard {index}/{count}: {tables.Count} of {entries.Count} models; wrote {Path.Combine(folder, ShardFile)}");
                    return ExitCodes.Success;
                }

                // The single run goes through the shard format too, so it and a merge of shards give the same bytes.
                var site = Merge([(shardJson, "(this run)")]);
                SiteFolder.Write(folder, WikiSite.Render(site));
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
                ReportFiles.EnsureWritable(folder);
                var parts = parse.GetValue(shards)!.Select(p =>
                {
                    string file = Directory.Exists(p) ? Path.Combine(p, ShardFile) : p;
                    if (!File.Exists(file))
                    {
                        throw new BadInputException($"{file}: shard file not found");
                    }

                    try
                    {
                        return (JObject.Parse(File.ReadAllText(file)), file);
                    }
                    catch (JsonReaderException e)
                    {
                        throw new BadInputException($"{file}: not valid JSON ({e.Message})", e);
                    }
                }).ToList();
                var site = Merge(parts);
                SiteFolder.Write(folder, WikiSite.Render(site));
                stderr.WriteLine($"wiki merge: {parts.Count} shards, {site.Models.Count} models; wrote {Path.Combine(folder, "index.html")}");
                return ExitCodes.Success;
            },
            parse.GetValue(GlobalOptions.Verbose),
            stderr));
        return merge;
    }

    /// <summary>Joins shards: they must describe the same family, and together cover every entry exactly once.</summary>
    private static WikiFamily Merge(IReadOnlyList<(JObject Json, string File)> shards)
    {
        var parts = shards.Select(s =>
        {
            try
            {
                return (Shard: WikiJson.ReadShard(s.Json, s.File), s.File);
            }
            catch (InvalidDataException e)
            {
                throw new BadInputException(e.Message, e);
            }
        }).ToList();
        var first = parts[0].Shard;
        foreach (var (part, file) in parts.Skip(1))
        {
            if (part.Count != first.Count || !part.Entries.SequenceEqual(first.Entries) || part.Part.Title != first.Part.Title)
            {
                throw new BadInputException($"{file}: shard of a different family or shard count than {parts[0].File}");
            }
        }

        var duplicate = parts.GroupBy(p => p.Shard.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BadInputException($"{duplicate.Last().File}: shard {duplicate.Key}/{first.Count} is given twice");
        }

        var byName = parts.SelectMany(p => p.Shard.Part.Models).ToDictionary(m => m.Model);
        var missing = first.Entries.FirstOrDefault(e => !byName.ContainsKey(e));
        if (missing is not null)
        {
            var absent = Enumerable.Range(1, first.Count).Where(i => parts.All(p => p.Shard.Index != i));
            throw new BadInputException($"wiki merge: model {missing} is in no shard given (missing shards: {string.Join(", ", absent.Select(i => $"{i}/{first.Count}"))})");
        }

        return first.Part with
        {
            Models = first.Entries.Select(e => byName[e]).ToList(),
            ColumnDescriptions = new SortedDictionary<string, string>(
                parts.SelectMany(p => p.Shard.Part.ColumnDescriptions).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().Value), StringComparer.Ordinal),
        };
    }

    private static (WikiHeadTable Table, IReadOnlyDictionary<string, string> Descriptions) Scan(FamilyEntry entry, IReadOnlyList<IHeadDetector> detectors, DetectorOptions options)
    {
        using var loaded = ModelLoader.Load(entry.Source);
        using var context = new DetectorContext(loaded.Model, loaded.Tokenizer, entry.Name, entry.TaskHint, options);
        var table = HeadScan.Run(context, detectors);
        return (HeadTables.ToWiki(table, entry.Name, entry.Step), table.ColumnDescriptions);
    }
}
