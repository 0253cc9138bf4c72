using Newtonsoft.Json.Linq;

namespace CircuitFinder.Graph.Results;

/// <summary>The model a run used: where it came from, its weights' SHA-256, its checkpoint layout and its config (TransformerLens keys).</summary>
public sealed record ModelRecord(string Source, string WeightsSha256, string Layout, JObject Config);
