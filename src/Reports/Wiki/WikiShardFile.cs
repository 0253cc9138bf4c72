using CircuitFinder.Graph.Heads;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// <c>shard.json</c> (schema <c>circuitfinder/wiki-shard@1</c>), reader and writer: a <see cref="WikiShard"/> — the
/// family without its head tables, the full entry list, which shard this is, and the head tables it computed — which
/// <see cref="WikiMerge"/> joins into the site.
/// </summary>
public static class WikiShardFile
{
    public const string Schema = "circuitfinder/wiki-shard@1";

    public const string FileName = "shard.json";

    public static JObject ToJson(WikiShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var family = shard.Part;
        return new JObject
        {
            ["schema"] = Schema,
            ["title"] = family.Title,
            ["checkpoints"] = family.IsCheckpoints,
            ["shard"] = shard.Index,
            ["shards"] = shard.Count,
            ["entries"] = new JArray(shard.Entries),
            ["categories"] = WikiJson.Categories(family.Categories),
            ["columns"] = JObject.FromObject(family.ColumnDescriptions),
            ["models"] = new JArray(family.Models.Select(HeadTableJson.Write)),
        };
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote; an <see cref="InvalidDataException"/> names <paramref name="where"/> and the key otherwise.</summary>
    public static WikiShard FromJson(JObject json, string where)
    {
        ArgumentNullException.ThrowIfNull(json);
        if ((string?)json["schema"] != Schema)
        {
            throw new InvalidDataException($"{where}: schema is '{(string?)json["schema"]}', expected {Schema}");
        }

        try
        {
            var models = ((JArray)json["models"]!).Select((m, i) => HeadTableJson.Read((JObject)m, $"{where}.models[{i}]")).ToList();
            var part = new WikiFamily
            {
                Title = (string)json["title"]!,
                IsCheckpoints = (bool)json["checkpoints"]!,
                Models = models,
                Categories = ((JArray)json["categories"]!).Select(c => new WikiCategory((string)c["label"]!, (string)c["column"]!, (string)c["rule"]!, (string)c["description"]!)).ToList(),
                ColumnDescriptions = ((JObject)json["columns"]!).Properties().ToDictionary(p => p.Name, p => (string)p.Value!),
            };
            return new WikiShard(part, json["entries"]!.Values<string>().Select(e => e!).ToList(), (int)json["shard"]!, (int)json["shards"]!);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{where}: not a wiki shard ({e.Message})", e);
        }
    }

    /// <summary>The command whose output a shard folder is, as its output marker records it.</summary>
    public const string OutputKind = "wiki --shard";

    /// <summary>Writes <c>FOLDER/shard.json</c> (the folder claimed as an <see cref="OutputFolder"/>, swapped in whole) and returns its path.</summary>
    public static string Write(string folder, WikiShard shard)
    {
        using var output = OutputFolder.Claim(folder, OutputKind);
        return Write(output, shard);
    }

    /// <summary>Writes <c>shard.json</c> into <paramref name="output"/> and swaps it into place; returns the file's final path.</summary>
    public static string Write(OutputFolder output, WikiShard shard)
    {
        ArgumentNullException.ThrowIfNull(output);
        JsonFiles.WriteIndented(output.File(FileName), ToJson(shard));
        output.Commit();
        return Path.Combine(output.Given, FileName);
    }

    /// <summary>
    /// Reads the JSON of a shard given as its folder or its file; a missing or malformed file is a
    /// <see cref="BadInputException"/> naming it. The schema is checked by <see cref="WikiMerge.Merge"/>.
    /// </summary>
    public static (JObject Json, string File) Read(string folderOrFile)
    {
        string file = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        if (!File.Exists(file))
        {
            throw new BadInputException($"{file}: shard file not found");
        }

        try
        {
            return (JObject.Parse(InputFile.ReadAllText(file)), file);
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{file}: not valid JSON ({e.Message})", e);
        }
    }
}
