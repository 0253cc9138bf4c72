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

    /// <summary>The checkpoint at <paramref name="path"/>, or null when there is none; a malformed file is bad input.</summary>
    public static AcdcCheckpoint? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var json = JObject.Parse(File.ReadAllText(path));
            if ((string?)json["format"] != Format)
            {
                throw new BadInputException($"{path}: not an ACDC checkpoint (field 'format')");
            }

            double Parse(JToken? t) => double.Parse((string)t!, System.Globalization.CultureInfo.InvariantCulture);
            if ((int)json["next_index"]! < 0 || (int)json["tests"]! < 0)
            {
                throw new BadInputException($"{path}: malformed ACDC checkpoint (next_index and tests must not be negative)");
            }

            return new AcdcCheckpoint(
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
    }
}
