using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// The MIB circuit track's faithfulness curve (Mueller et al. 2025): for each edge budget p of
/// <see cref="MibFractions"/> (0.1% … 100%), keep the ⌊p·|E|⌋ edges with the highest |score|, prune edges off
/// input→logits paths, and measure the faithfulness f of what is left. CPR is the trapezoid area under f over the
/// fractions, CMD the trapezoid area under |1 − f|; neither is renormalised (MIB's own evaluation does the same).
/// </summary>
public static class FaithfulnessCurve
{
    /// <summary>MIB's budgets, as fractions of all edges.</summary>
    public static IReadOnlyList<double> MibFractions { get; } = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0];

    public static FaithfulnessCurveResult Evaluate(
        CircuitEvaluator evaluator, IReadOnlyDictionary<Edge, double> scores, IReadOnlyList<double>? fractions = null, IProgress<(int Done, int Total)>? progress = null)
    {
        fractions ??= MibFractions;
        var graph = evaluator.Graph;
        var requested = fractions.Select(p => (int)Math.Floor(p * graph.Edges.Count + 1e-9)).ToArray();
        var circuits = requested.Select(k => Circuit.TopK(graph, scores, k).Prune(graph)).ToList();
        var metrics = new double[circuits.Count];
        for (int i = 0; i < circuits.Count; i++)
        {
            metrics[i] = evaluator.ExactMetricOf([circuits[i]])[0];
            progress?.Report((i + 1, circuits.Count));
        }

        var faithfulness = circuits.Select((c, i) => c.Count == 0 ? 0.0 : c.Count == graph.Edges.Count ? 1.0 : evaluator.Faithfulness(metrics[i])).ToArray(); // exact at the ends, as FaithfulnessOf
        var points = fractions.Select((p, i) => new CurvePoint(p, requested[i], circuits[i].Count, metrics[i], faithfulness[i])).ToList();
        return new FaithfulnessCurveResult(points, Trapezoid(fractions, faithfulness), Trapezoid(fractions, faithfulness.Select(f => Math.Abs(1 - f)).ToArray()));
    }

    /// <summary>The trapezoid area under <paramref name="y"/> over <paramref name="x"/> (x increasing).</summary>
    public static double Trapezoid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double area = 0;
        for (int i = 0; i + 1 < x.Count; i++)
        {
            area += (x[i + 1] - x[i]) * (y[i] + y[i + 1]) / 2;
        }

        return area;
    }
}
