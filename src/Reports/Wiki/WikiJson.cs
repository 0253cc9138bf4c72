using CircuitFinder.Graph.Heads;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// The wiki's machine-readable family file, <c>heads.json</c> (schema <c>circuitfinder/wiki@1</c>); a shard of it,
/// <c>shard.json</c>, is <see cref="WikiShardFile"/>'s.
/// </summary>
public static class WikiJson
{
    public const string FamilySchema = "circuitfinder/wiki@1";

    public static JObject WriteFamily(WikiFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return new JObject
        {
            ["schema"] = FamilySchema,
            ["title"] = family.Title,
            ["checkpoints"] = family.IsCheckpoints,
            ["categories"] = Categories(family.Categories),
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

    /// <summary>The categories with their rules, as heads.json and shard.json both write them.</summary>
    internal static JArray Categories(IEnumerable<WikiCategory> categories) =>
        new(categories.Select(c => new JObject { ["label"] = c.Label, ["column"] = c.Column, ["rule"] = c.Rule, ["description"] = c.Description }));
}
