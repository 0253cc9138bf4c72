using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Verification;

/// <summary>
/// Everything <c>verification.json</c> (schema <c>circuitfinder/verification@1</c>, or the <c>verification</c> section of a
/// <c>circuit.json</c>) records: what was verified (model, task, circuit file, level, ablation, metric, parameters) and
/// each result that was asked for. Tensor-free; the CLI maps the Scrubbing results onto it.
/// </summary>
public sealed record VerificationReport
{
    public required string ToolVersion { get; init; }

    public required ReportModel Model { get; init; }

    public required ReportTask Task { get; init; }

    /// <summary>The circuit file and the format it was read as (<c>circuit.json</c>, <c>eap-ig</c>, <c>list</c>), if any.</summary>
    public string? CircuitFile { get; init; }

    public string? CircuitFormat { get; init; }

    public required IReadOnlyDictionary<string, JToken?> Parameters { get; init; }

    public FaithfulnessSummary? Faithfulness { get; init; }

    public CurveSummary? Curve { get; init; }

    public CompletenessSummary? Completeness { get; init; }

    public MinimalitySummary? Minimality { get; init; }

    /// <summary>Ground-truth comparison at edge and node level (empty without <c>--truth</c>).</summary>
    public IReadOnlyList<TruthSummary> Truth { get; init; } = [];

    public string? TruthFile { get; init; }

    /// <summary>Causal-scrubbing results, one per hypothesis.</summary>
    public IReadOnlyList<ScrubSummary> Scrubbing { get; init; } = [];

    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
}
