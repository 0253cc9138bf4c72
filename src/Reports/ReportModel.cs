using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports;

/// <summary>The model of a report: where it came from, its weights' SHA-256, its layout and config.</summary>
public sealed record ReportModel(string Source, string WeightsSha256, string Layout, JObject Config);
