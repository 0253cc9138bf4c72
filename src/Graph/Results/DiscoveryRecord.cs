using Newtonsoft.Json.Linq;

namespace CircuitFinder.Graph.Results;

/// <summary>
/// Everything one discovery run found and everything <c>circuit.json</c> (schema <c>circuitfinder/circuit@1</c>)
/// records about it: the model (source, weights hash, config), the task (name, content hash, prompt count), the method
/// with every parameter, baseline metrics, the graph with every edge's score and whether it is in the circuit, the
/// circuit's size and faithfulness, and timings. Tensor-free.
/// </summary>
public sealed record DiscoveryRecord
{
    public required string ToolVersion { get; init; }

    public required ModelRecord Model { get; init; }

    public required TaskRecord Task { get; init; }

    public required string Method { get; init; }

    /// <summary>Every parameter of the run (threshold, budget, ablation, metric, level, seed, ...); null where it does not apply.</summary>
    public required IReadOnlyDictionary<string, JToken?> Parameters { get; init; }

    public required ComputeGraph Graph { get; init; }

    public required Circuit Circuit { get; init; }

    public required IReadOnlyDictionary<Edge, double> Scores { get; init; }

    /// <summary>The task metric of the clean model and with every edge ablated.</summary>
    public required double CleanMetric { get; init; }

    public required double AblatedMetric { get; init; }

    /// <summary>The metric with everything outside the circuit ablated.</summary>
    public required double CircuitMetric { get; init; }

    /// <summary>(m(C) − m(∅)) / (m(M) − m(∅)).</summary>
    public double Faithfulness => CleanMetric == AblatedMetric ? double.NaN : (CircuitMetric - AblatedMetric) / (CleanMetric - AblatedMetric);

    public int ExactTests { get; init; }

    public IReadOnlyDictionary<string, double> Details { get; init; } = new Dictionary<string, double>();

    /// <summary>The hybrid's screening certificate (null for other methods).</summary>
    public ScreenCertificate? Certificate { get; init; }

    /// <summary>What looks wrong with the result (an empty circuit, low faithfulness), each with its usual causes.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Seconds per phase; the only part that differs between identical runs.</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
}
