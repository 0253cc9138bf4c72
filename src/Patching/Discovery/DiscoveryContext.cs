using CircuitFinder.Model;
using CircuitFinder.Patching.Metrics;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// What a discovery run works on: the model, an edge patcher over the task's prompts (clean run and ablation fixed),
/// the metric with the task's answers, and the options. Does not own its tensors.
/// </summary>
public sealed record DiscoveryContext(
    HookedTransformer Model,
    EdgePatcher Patcher,
    IMetric Metric,
    Tensor Answers,
    Tensor WrongAnswers,
    DiscoveryOptions Options)
{
    /// <summary>The task metric (mean over prompts) with each of <paramref name="sets"/> ablated: one value per set.</summary>
    public double[] MetricOf(IReadOnlyList<IReadOnlyCollection<Graph.Edge>> sets)
    {
        using var scope = NewDisposeScope();
        var logits = Patcher.Evaluate(sets); // [sets, b, v]
        var values = Metric.PerPrompt(logits, new MetricTarget(Answers, WrongAnswers, Patcher.CleanLogits)).mean([1L]); // [sets]
        return values.to(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>How much worse the task gets going from <paramref name="before"/> to <paramref name="after"/> (positive = damage).</summary>
    public double Damage(double before, double after) => Metric.HigherIsBetter ? before - after : after - before;
}
