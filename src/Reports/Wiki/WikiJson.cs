using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// The wiki's machine-readable files: the whole family (<c>heads.json</c>, schema <c>circuitfinder/wiki@1</c>) and a
/// shard of it (<c>shard.json</c>, schema <c>circuitfinder/wiki-shard@1</c>: the family's entry list, which shard this
/// is, and the head tables it computed), which <c>wiki merge</c> reads back.
/// </summary>
public static class WikiJson
{
    public const string FamilySchema = "circuitfinder/wiki@1";
    public const string ShardSchema = "circuitfinder/wiki-shard@1";

    public static JObject WriteFamily(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return new JObject
        {
            ["schema"] = FamilySchema,
            ["title"] = family.Title,
            ["checkpoints"] = family.IsCheckpoints,
            ["categories"] = new JArray(family.Categories.Select(c => new JObject { ["label"] = c.Label, ["column"] = c.Column, ["rule"] = c.Rule, ["description"] = c.Description })),
            ["columns"] = JObject.FromObject(family.ColumnDescriptions),
            ["phase_changes"] = new JArray(family.IsCheckpoints ? PhaseChange.Find(family.Models).Select(p => new JObject
            {
                ["column"] = p.Column,
                ["from_step"] = p.FromStep,
                ["to_step"] = p.ToStep,
                ["from_score"] = p.FromScore,
                ["to_score"] = p.ToScore,
                ["head"] = p.Head,
            }) : []),
            ["models"] = new JArray(family.Models.Select(HeadTableJson.Write)),
        };
    }

    /// <summary>A shard: the family without its head tables, the full entry list, this shard's index and count, and its tables.</summary>
    public static JObject WriteShard(WikiFamily family, IReadOnlyList<string> entries, int index, int count) => new()
    {
        ["schema"] = ShardSchema,
        ["title"] = family.Title,
        ["checkpoints"] = family.IsCheckpoints,
        ["shard"] = index,
        ["shards"] = count,
        ["entries"] = new JArray(entries),
        ["categories"] = new JArray(family.Categories.Select(c => new JObject { ["label"] = c.Label, ["column"] = c.Column, ["rule"] = c.Rule, ["description"] = c.Description })),
        ["columns"] = JObject.FromObject(family.ColumnDescriptions),
        ["models"] = new JArray(family.Models.Select(HeadTableJson.Write)),
    };

    /// <summary>Reads a shard; an <see cref="InvalidDataException"/> names <paramref name="where"/> and the key otherwise.</summary>
    public static (WikiFamily Part, IReadOnlyList<string> Entries, int Index, int Count) ReadShard(JObject json, string where)
    {
        ArgumentNullException.ThrowIfNull(json);
        if ((string?)json["schema"] != ShardSchema)
        {
            throw new InvalidDataException($"{where}: schema is '{(string?)json["schema"]}', expected {ShardSchema}");
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
            return (part, json["entries"]!.Values<string>().Select(e => e!).ToList(), (int)json["shard"]!, (int)json["shards"]!);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{where}: not a wiki shard ({e.Message})", e);
        }
    }
}
