using CircuitFinder.Graph;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Metrics;
using static TorchSharp.torch;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// The task metric of a circuit (everything outside it ablated) and its faithfulness
/// <c>f = (m(C) − m(∅)) / (m(M) − m(∅))</c>, on an <see cref="EdgePatcher"/> whose clean run and ablation are fixed.
/// m(M) (nothing ablated) and m(∅) (every edge ablated) are computed once; the full circuit has f = 1 and the empty
/// circuit f = 0 exactly, by construction. Does not own its tensors.
/// </summary>
public sealed class CircuitEvaluator
{
    private readonly Tensor _answers;
    private readonly Tensor _wrongAnswers;

    public CircuitEvaluator(EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers)
    {
        Patcher = patcher;
        Metric = metric;
        _answers = answers;
        _wrongAnswers = wrongAnswers;
        var baselines = MetricWithAblated([[], patcher.Graph.Edges.ToList()]);
        CleanMetric = baselines[0];
        AblatedMetric = baselines[1];
    }

    public EdgePatcher Patcher { get; }

    public ComputeGraph Graph => Patcher.Graph;

    public IMetric Metric { get; }

    /// <summary>m(M): the metric with nothing ablated.</summary>
    public double CleanMetric { get; }

    /// <summary>m(∅): the metric with every edge ablated.</summary>
    public double AblatedMetric { get; }

    /// <summary>Forward passes (edge sets) evaluated so far, baselines included.</summary>
    public int Evaluations { get; private set; }

    /// <summary>The mean metric with each set of edges ablated (the rest of the model intact).</summary>
    public double[] MetricWithAblated(IReadOnlyList<IReadOnlyCollection<Edge>> sets)
    {
        if (sets.Count == 0)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        var logits = Patcher.Evaluate(sets); // [sets, b, v]
        var values = Metric.PerPrompt(logits, new MetricTarget(_answers, _wrongAnswers, Patcher.CleanLogits)).mean([1L]); // [sets]
        Evaluations += sets.Count;
        return values.to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>The mean metric of each circuit, everything outside it ablated.</summary>
    public double[] MetricOf(IReadOnlyList<Circuit> circuits) =>
        MetricWithAblated(circuits.Select(c => (IReadOnlyCollection<Edge>)Graph.Edges.Where(e => !c.Contains(e)).ToList()).ToList());

    /// <summary>Faithfulness of a metric value: 0 at m(∅), 1 at m(M); NaN when the two baselines coincide.</summary>
    public double Faithfulness(double metric) =>
        CleanMetric == AblatedMetric ? double.NaN : (metric - AblatedMetric) / (CleanMetric - AblatedMetric);

    /// <summary>Faithfulness of each circuit; exactly 1 for the full graph and exactly 0 for the empty circuit.</summary>
    public double[] FaithfulnessOf(IReadOnlyList<Circuit> circuits)
    {
        var metrics = ExactMetricOf(circuits);
        return circuits.Select((c, i) => c.Count == 0 ? 0.0 : c.Count == Graph.Edges.Count ? 1.0 : Faithfulness(metrics[i])).ToArray();
    }

    /// <summary>The metric of each circuit; m(M) and m(∅) for the full and the empty circuit, without a new run.</summary>
    public double[] ExactMetricOf(IReadOnlyList<Circuit> circuits)
    {
        var result = new double[circuits.Count];
        var pending = new List<int>();
        for (int i = 0; i < circuits.Count; i++)
        {
            if (circuits[i].Count == 0)
            {
                result[i] = AblatedMetric;
            }
            else if (circuits[i].Count == Graph.Edges.Count)
            {
                result[i] = CleanMetric;
            }
            else
            {
                pending.Add(i);
            }
        }

        var metrics = MetricOf(pending.Select(i => circuits[i]).ToList());
        for (int k = 0; k < pending.Count; k++)
        {
            result[pending[k]] = metrics[k];
        }

        return result;
    }
}
