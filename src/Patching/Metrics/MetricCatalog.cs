namespace CircuitFinder.Patching.Metrics;

/// <summary>Maps CLI keys to metrics.</summary>
public static class MetricCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["kl", "logit-diff", "prob", "prob-diff", "logprob", "loss", "accuracy"];

    public static IMetric Create(string name) => name switch
    {
        "kl" => new KlDivergenceMetric(),
        "logit-diff" => new LogitDifferenceMetric(),
        "prob" => new ProbabilityMetric(),
        "prob-diff" => new ProbabilityDifferenceMetric(),
        "logprob" => new LogProbabilityMetric(),
        "loss" => new LossMetric(),
        "accuracy" => new AccuracyMetric(),
        _ => throw new ArgumentException($"unknown metric '{name}' (expected {string.Join(", ", Names)})"),
    };
}
