using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>
/// The EAP-IG / MIB circuit format: <c>{"cfg": {...}, "nodes": {id: {"in_graph": bool}}, "edges": {id: {"score": s,
/// "in_graph": bool}}}</c>, from a <c>circuit.json</c> (the ids are already theirs; a positional graph's ids end in
/// <c>@label</c> and <c>cfg.positions</c> names its groups). <see cref="Write"/> streams the edges of a
/// <see cref="CircuitJsonDocument"/>, for neuron-level files of millions of edges.
/// </summary>
public static class EapIgGraphJson
{
    public static JObject FromCircuitJson(JObject circuitJson, string source)
    {
        if ((string?)circuitJson["schema"] != CircuitJson.Schema)
        {
            throw new FormatException($"{source}: not a {CircuitJson.Schema} file (field 'schema' is '{circuitJson["schema"]}')");
        }

        var graph = circuitJson["graph"] as JObject ?? throw new FormatException($"{source}: missing field 'graph'");
        var config = circuitJson["model"]?["config"] as JObject ?? new JObject();
        var result = new JObject
        {
            ["cfg"] = new JObject
            {
                ["n_layers"] = config["n_layers"],
                ["n_heads"] = config["n_heads"],
                ["parallel_attn_mlp"] = config["parallel_attn_mlp"],
                ["d_model"] = config["d_model"],
            },
            ["nodes"] = graph["nodes"]?.DeepClone() ?? throw new FormatException($"{source}: missing field 'graph.nodes'"),
            ["edges"] = graph["edges"]?.DeepClone() ?? throw new FormatException($"{source}: missing field 'graph.edges'"),
        };
        if (graph["positions"] is JObject positions)
        {
            ((JObject)result["cfg"]!)["positions"] = positions.DeepClone(); // a positional graph's groups (the ids end in @group)
        }

        return result;
    }

    /// <summary>
    /// Writes the EAP-IG graph JSON of <paramref name="circuitJson"/> (read with its edges streamed) through
    /// <paramref name="writer"/>, one edge at a time: the same JSON as <see cref="FromCircuitJson"/>'s. Every check
    /// is made before anything is written.
    /// </summary>
    public static void Write(CircuitJsonDocument circuitJson, string source, JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(circuitJson);
        var root = circuitJson.Root as JObject ?? throw new FormatException($"{source}: not a {CircuitJson.Schema} file (not a JSON object)");
        var header = FromCircuitJson(root, source); // its edges: the empty placeholder
        var edges = circuitJson.Edges ?? throw new FormatException($"{source}: missing field 'graph.edges'");
        JsonFiles.WriteStreamed(writer, header, new Dictionary<string, Action<JsonWriter>>
        {
            ["edges"] = w =>
            {
                w.WriteStartObject();
                foreach (var edge in edges)
                {
                    w.WritePropertyName(edge.Id);
                    new JObject { ["score"] = edge.Score is { } score ? new JValue(score) : JValue.CreateNull(), ["in_graph"] = edge.InGraph }.WriteTo(w);
                }

                w.WriteEndObject();
            },
        });
    }
}
