using Newtonsoft.Json.Linq;

namespace CircuitFinder.Graph.Results;

/// <summary>
/// Everything one verification run found and everything <c>verification.json</c> (schema
/// <c>circuitfinder/verification@1</c>, or the <c>verification</c> section of a <c>circuit.json</c>) records: what was
/// verified (model, task, circuit file, ablation, metric, parameters) and each result that was asked for. Tensor-free.
/// </summary>
public sealed record VerificationRecord
{
    public required string ToolVersion { get; init; }

    public required ModelRecord Model { get; init; }

    public required TaskRecord Task { get; init; }

    /// <summary>The circuit file and the format it was read as (<c>circuit.json</c>, <c>eap-ig</c>, <c>list</c>), if any.</summary>
    public string? CircuitFile { get; init; }

    public string? CircuitFormat { get; init; }

    /// <summary>Every parameter of the run; null where it does not apply.</summary>
    public required IReadOnlyDictionary<string, JToken?> Parameters { get; init; }

    public FaithfulnessResult? Faithfulness { get; init; }

    /// <summary>The MIB faithfulness curve, when the circuit file carries edge scores.</summary>
    public FaithfulnessCurveResult? Curve { get; init; }

    public CompletenessResult? Completeness { get; init; }

    public MinimalityResult? Minimality { get; init; }

    /// <summary>Ground-truth comparison at edge and node level (empty without a ground truth).</summary>
    public IReadOnlyList<TruthScores> Truth { get; init; } = [];

    public string? TruthFile { get; init; }

    /// <summary>Causal-scrubbing results, one per hypothesis file.</summary>
    public IReadOnlyList<HypothesisScrub> Scrubbing { get; init; } = [];

    /// <summary>Seconds per phase; the only part that differs between identical runs.</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
}
