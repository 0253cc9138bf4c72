using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Metrics;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// What a discovery run works on: the model, the task's prompts in one or more batches (<see cref="PromptBatches"/>:
/// each batch's edge patcher, clean run and ablation fixed, built when used), the metric, and the options. The metric
/// of an edge set is the mean over every prompt of every batch, so results do not depend on how the prompts are
/// batched. Does not own the batches.
/// </summary>
public sealed record DiscoveryContext(HookedTransformer Model, PromptBatches Batches, IMetric Metric, DiscoveryOptions Options)
{
    /// <summary>A context over a single batch of prompts whose patcher the caller owns.</summary>
    public DiscoveryContext(HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, DiscoveryOptions options)
        : this(model, PromptBatches.Of(new PromptBatch(patcher, answers, wrongAnswers)), metric, options)
    {
    }

    /// <summary>The computational graph the patchers work on (the same for every batch).</summary>
    public ComputeGraph Graph => Batches.Graph;

    /// <summary>Prompts over all batches.</summary>
    public long PromptCount => Batches.PromptCount;

    /// <summary>
    /// The task metric (mean over all prompts) with each of <paramref name="sets"/> ablated: one value per set. With
    /// <paramref name="baseSet"/>, runs resume on that set's recorded run (<see cref="EdgePatcher.Evaluate"/>): the same
    /// values, cheaper when every set is the base plus edges into late layers.
    /// </summary>
    public double[] MetricOf(IReadOnlyList<IReadOnlyCollection<Edge>> sets, IReadOnlyCollection<Edge>? baseSet = null)
    {
        var totals = new double[sets.Count];
        Batches.ForEach(batch =>
        {
            using var scope = NewDisposeScope();
            var logits = batch.Patcher.Evaluate(sets, baseSet: baseSet); // [sets, b, v]
            var sums = Metric.PerPrompt(logits, new MetricTarget(batch.Answers, batch.WrongAnswers, batch.Patcher.CleanLogits)).to(ScalarType.Float64).sum([1L]); // [sets]
            var values = sums.cpu().data<double>().ToArray();
            for (int i = 0; i < totals.Length; i++)
            {
                totals[i] += values[i];
            }
        });

        long count = PromptCount;
        return totals.Select(t => t / count).ToArray();
    }

    /// <summary>How much worse the task gets going from <paramref name="before"/> to <paramref name="after"/> (positive = damage).</summary>
    public double Damage(double before, double after) => Metric.HigherIsBetter ? before - after : after - before;
}
