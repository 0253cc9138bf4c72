using CircuitFinder.Patching.Discovery;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// <c>study.json</c> (schema <c>circuitfinder/study@1</c>): the tool, the study and its seed problems, the seed, every
/// input with its sha256, every step with its parameters, the tables, the plots' files, each claim with its measured
/// value, comparison, threshold and verdict, notes, and timings last (the only part that differs between two runs with
/// one seed).
/// </summary>
public static class StudyJson
{
    public const string Schema = "circuitfinder/study@1";

    public static JObject Write(StudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new JObject
        {
            ["schema"] = Schema,
            ["tool"] = new JObject { ["name"] = "circuitfinder", ["version"] = DiscoveryRun.ToolVersion },
            ["study"] = new JObject { ["name"] = r.Study, ["description"] = r.Description, ["seed_problems"] = r.SeedProblems },
            ["seed"] = r.Seed,
            ["inputs"] = new JArray(r.Inputs.Select(i => new JObject { ["role"] = i.Role, ["source"] = i.Source, ["sha256"] = i.Sha256 })),
            ["steps"] = new JArray(r.Steps.Select(s => new JObject
            {
                ["name"] = s.Name,
                ["parameters"] = new JObject(s.Parameters.Select(p => new JProperty(p.Key, p.Value))),
                ["summary"] = s.Summary,
            })),
            ["claims"] = new JArray(r.Claims.Select(c => new JObject
            {
                ["id"] = c.Id,
                ["statement"] = c.Statement,
                ["measured"] = Number(c.Measured),
                ["comparison"] = c.Comparison,
                ["threshold"] = Number(c.Threshold),
                ["verdict"] = c.Verdict,
                ["evidence"] = c.Evidence,
            })),
            ["passed"] = r.AllPassed,
            ["tables"] = new JArray(r.Tables.Select(t => new JObject
            {
                ["title"] = t.Title,
                ["headers"] = new JArray(t.Headers),
                ["rows"] = new JArray(t.Rows.Select(row => new JArray(row))),
            })),
            ["plots"] = new JArray(r.Plots.Select(p => new JObject { ["file"] = StudyFolder.PlotPath(p), ["title"] = p.Title })),
            ["notes"] = new JArray(r.Notes),
            ["files"] = new JArray(r.Files.Keys),
            ["timings"] = new JObject(r.Timings.Select(t => new JProperty(t.Key, t.Value))),
        };
    }

    /// <summary>A double as JSON: rounded to 9 significant digits (so float noise in the last bits does not show); NaN as null.</summary>
    private static JToken Number(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? JValue.CreateNull() : new JValue(double.Parse(value.ToString("G9", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
}
