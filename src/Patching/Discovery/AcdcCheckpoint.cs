using CircuitFinder.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// ACDC's progress, saved atomically every few edge tests so an interrupted run can resume to the identical circuit:
/// the run's fingerprint (model, task, method and parameters), the position in the visiting order, the removed edges,
/// the scores so far, the test count and the current metric (stored exactly, as a round-trip double).
/// </summary>
public sealed record AcdcCheckpoint(string Fingerprint, int NextIndex, IReadOnlyList<string> Ablated, IReadOnlyDictionary<string, double> Scores, int Tests, double Current)
{
    public const string Format = "circuitfinder/acdc-checkpoint@1";

    public void Save(string path)
    {
        var json = new JObject
        {
            ["format"] = Format,
            ["fingerprint"] = Fingerprint,
            ["next_index"] = NextIndex,
            ["tests"] = Tests,
            ["current"] = Current.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["ablated"] = new JArray(Ablated),
            ["scores"] = new JObject(Scores.Select(kv => new JProperty(kv.Key, kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))),
        };
        AtomicFile.WriteAllText(path, json.ToString(Formatting.None));
    }

    /// <summary>
    /// The checkpoint at <paramref name="path"/>, or null when there is none; a malformed file is bad input, and so is one
    /// whose counts are negative or whose metric or scores are not finite (what depends on the graph,
    /// <see cref="Validate"/> checks).
    /// </summary>
    public static AcdcCheckpoint? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        AcdcCheckpoint checkpoint;
        try
        {
            var json = JObject.Parse(InputFile.ReadAllText(path));
            if ((string?)json["format"] != Format)
            {
                throw new BadInputException($"{path}: not an ACDC checkpoint (field 'format')");
            }

            double Parse(JToken? t) => double.Parse((string)t!, System.Globalization.CultureInfo.InvariantCulture);
            checkpoint = new AcdcCheckpoint(
                (string)json["fingerprint"]!,
                (int)json["next_index"]!,
                json["ablated"]!.Values<string>().Select(s => s!).ToList(),
                ((JObject)json["scores"]!).Properties().ToDictionary(p => p.Name, p => Parse(p.Value)),
                (int)json["tests"]!,
                Parse(json["current"]));
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidCastException or FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            throw new BadInputException($"{path}: malformed ACDC checkpoint ({e.Message})", e);
        }

        string? problem = checkpoint switch
        {
            { NextIndex: < 0 } => $"field 'next_index' is {checkpoint.NextIndex}, negative",
            { Tests: < 0 } => $"field 'tests' is {checkpoint.Tests}, negative",
            _ when !double.IsFinite(checkpoint.Current) => $"field 'current' is {checkpoint.Current}, not a finite metric",
            _ when checkpoint.Scores.FirstOrDefault(kv => !double.IsFinite(kv.Value)) is { Key: not null } bad => $"field 'scores': edge {bad.Key} has score {bad.Value}, not finite",
            _ => null,
        };
        return problem is null ? checkpoint : throw new BadInputException($"{path}: malformed ACDC checkpoint ({problem})");
    }

    /// <summary>
    /// Checks the checkpoint against the run resuming it: <see cref="NextIndex"/> within its <paramref name="visits"/> edges
    /// and every edge id one of <paramref name="graph"/>'s; bad input naming <paramref name="path"/> and the field otherwise.
    /// </summary>
    public (IReadOnlyList<Graph.Edge> Ablated, IReadOnlyDictionary<Graph.Edge, double> Scores) Validate(Graph.ComputeGraph graph, int visits, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (NextIndex > visits)
        {
            throw new BadInputException($"{path}: malformed ACDC checkpoint (field 'next_index' is {NextIndex}, past the {visits} edges this run visits)");
        }

        Graph.Edge Parse(string id, string field)
        {
            try
            {
                return graph.ParseEdge(id);
            }
            catch (Graph.GraphIdException e)
            {
                throw new BadInputException($"{path}: malformed ACDC checkpoint (field '{field}': {e.Message})", e);
            }
        }

        return (Ablated.Select(id => Parse(id, "ablated")).ToList(), Scores.ToDictionary(kv => Parse(kv.Key, "scores"), kv => kv.Value));
    }

    /// <summary>The <c>key=value</c> pairs of two run fingerprints that differ, as "key: checkpoint A, this run B".</summary>
    public static IReadOnlyList<string> Differences(string saved, string current)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(current);
        static Dictionary<string, string> Pairs(string fingerprint) => fingerprint.Split('|')
            .Select(p => p.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First().Length == 2 ? g.First()[1] : string.Empty);
        var (a, b) = (Pairs(saved), Pairs(current));
        if (saved == current)
        {
            return [];
        }

        var keys = b.Keys.Where(k => !a.TryGetValue(k, out var v) || v != b[k]).ToList();
        return keys.Count == 0 || !a.Keys.Any(b.ContainsKey)
            ? [$"fingerprint: checkpoint '{saved}', this run '{current}'"]
            : keys.Select(k => $"{k}: checkpoint {(a.TryGetValue(k, out var v) ? (v.Length == 0 ? "(none)" : v) : "(none)")}, this run {(b[k].Length == 0 ? "(none)" : b[k])}").ToList();
    }
}
