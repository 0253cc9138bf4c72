using CircuitFinder.Graph.Heads;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// One model's head table as JSON (schema <c>circuitfinder/heads@1</c>): model, step, shape, columns, one object per head
/// (<c>id</c> <c>L{l}H{h}</c>, layer, head, scores by column with null where a score does not apply, labels), composition
/// pairs, random baselines, notes and example inputs. Doubles round-trip exactly.
/// </summary>
public static class HeadTableJson
{
    public const string Schema = "circuitfinder/heads@1";

    public static JObject Write(WikiHeadTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var heads = new JArray();
        for (int i = 0; i < table.NLayers * table.NHeads; i++)
        {
            int layer = i / table.NHeads, head = i % table.NHeads;
            var scores = new JObject();
            for (int c = 0; c < table.Columns.Count; c++)
            {
                scores[table.Columns[c]] = table.Scores[c][i] is { } v ? new JValue(v) : JValue.CreateNull();
            }

            heads.Add(new JObject
            {
                ["id"] = WikiHeadTable.HeadName(layer, head),
                ["layer"] = layer,
                ["head"] = head,
                ["scores"] = scores,
                ["labels"] = new JArray(table.Labels[i]),
            });
        }

        return new JObject
        {
            ["schema"] = Schema,
            ["model"] = table.Model,
            ["step"] = table.Step is { } s ? new JValue(s) : JValue.CreateNull(),
            ["n_layers"] = table.NLayers,
            ["n_heads"] = table.NHeads,
            ["columns"] = new JArray(table.Columns),
            ["heads"] = heads,
            ["composition"] = new JArray(table.Pairs.Select(p => new JObject { ["sender"] = p.Sender, ["receiver"] = p.Receiver, ["mode"] = p.Mode, ["score"] = p.Score })),
            ["baselines"] = JObject.FromObject(table.Baselines),
            ["notes"] = new JArray(table.Notes),
            ["examples"] = new JObject(table.Examples.Select(e => new JProperty(e.Key, new JArray(e.Value)))),
        };
    }

    /// <summary>Reads what <see cref="Write"/> wrote; an <see cref="InvalidDataException"/> names <paramref name="where"/> and the key otherwise.</summary>
    public static WikiHeadTable Read(JObject json, string where)
    {
        ArgumentNullException.ThrowIfNull(json);
        if ((string?)json["schema"] != Schema)
        {
            throw new InvalidDataException($"{where}: schema is '{(string?)json["schema"]}', expected {Schema}");
        }

        try
        {
            int layers = (int)json["n_layers"]!, heads = (int)json["n_heads"]!;
            var columns = json["columns"]!.Values<string>().Select(c => c!).ToList();
            var headArray = (JArray)json["heads"]!;
            if (headArray.Count != layers * heads)
            {
                throw new InvalidDataException($"{where}.heads: {headArray.Count} heads, expected {layers * heads}");
            }

            var scores = columns.Select(c => (IReadOnlyList<double?>)headArray.Select(h => (double?)h["scores"]![c]).ToList()).ToList();
            return new WikiHeadTable
            {
                Model = (string)json["model"]!,
                Step = (long?)json["step"],
                NLayers = layers,
                NHeads = heads,
                Columns = columns,
                Scores = scores,
                Labels = headArray.Select(h => (IReadOnlyList<string>)h["labels"]!.Values<string>().Select(l => l!).ToList()).ToList(),
                Pairs = ((JArray?)json["composition"] ?? []).Select(p => new WikiPair((string)p["sender"]!, (string)p["receiver"]!, (string)p["mode"]!, (double)p["score"]!)).ToList(),
                Baselines = ((JObject?)json["baselines"] ?? []).Properties().ToDictionary(p => p.Name, p => (double)p.Value),
                Notes = ((JArray?)json["notes"] ?? []).Values<string>().Select(n => n!).ToList(),
                Examples = ((JObject?)json["examples"] ?? []).Properties()
                    .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.Values<string>().Select(t => t!).ToList()),
            };
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{where}: not a head table ({e.Message})", e);
        }
    }
}
