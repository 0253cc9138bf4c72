namespace CircuitFinder.Graph.Diff;

/// <summary>
/// One task run on both models: its <paramref name="Metric"/> (the task's default metric, or <c>logprob</c> where that is
/// <c>kl</c>, which compares a model with itself) and its accuracy, each averaged over the <paramref name="Prompts"/>.
/// </summary>
public sealed record TaskDiff(string Name, int Prompts, string Metric, double MetricA, double MetricB, double AccuracyA, double AccuracyB)
{
    /// <summary>Whether both numbers are exactly equal.</summary>
    public bool Identical => MetricA == MetricB && AccuracyA == AccuracyB;
}
