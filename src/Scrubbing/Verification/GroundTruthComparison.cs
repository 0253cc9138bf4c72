using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using MathNet.Numerics.Statistics;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// Compares a circuit (and its edge scores, where it has them) with a ground-truth circuit, at edge and node level.
/// Edge AUROC ranks every graph edge by |score| (or by circuit membership when there are no scores); a node's score is
/// the largest |score| of the edges touching it, and the node sets are the nodes the circuits' edges touch.
/// </summary>
public static class GroundTruthComparison
{
    public static TruthScores Edges(ComputeGraph graph, Circuit circuit, Circuit truth, IReadOnlyDictionary<Edge, double>? scores)
    {
        var score = graph.Edges.Select(e => scores is not null && scores.TryGetValue(e, out var s) && double.IsFinite(s) ? Math.Abs(s) : circuit.Contains(e) ? 1.0 : 0.0).ToArray();
        return Compare("edge", graph.Edges.Select(circuit.Contains).ToArray(), graph.Edges.Select(truth.Contains).ToArray(), score, scores is not null);
    }

    public static TruthScores Nodes(ComputeGraph graph, Circuit circuit, Circuit truth, IReadOnlyDictionary<Edge, double>? scores)
    {
        var inCircuit = circuit.Nodes(graph).ToHashSet();
        var inTruth = truth.Nodes(graph).ToHashSet();
        var score = graph.Nodes.Select(n =>
        {
            if (scores is null)
            {
                return inCircuit.Contains(n) ? 1.0 : 0.0;
            }

            return graph.IncomingEdges(n).Concat(graph.OutgoingEdges(n))
                .Select(e => scores.TryGetValue(e, out var s) && double.IsFinite(s) ? Math.Abs(s) : 0.0)
                .DefaultIfEmpty(0.0).Max();
        }).ToArray();
        return Compare("node", graph.Nodes.Select(inCircuit.Contains).ToArray(), graph.Nodes.Select(inTruth.Contains).ToArray(), score, scores is not null);
    }

    /// <summary>AUROC by the Mann–Whitney statistic over average ranks (ties count half); NaN when a class is empty.</summary>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        int n1 = positive.Count(p => p), n0 = positive.Count - n1;
        if (n1 == 0 || n0 == 0)
        {
            return double.NaN;
        }

        var ranks = Statistics.Ranks(scores, RankDefinition.Average);
        double sum = 0;
        for (int i = 0; i < ranks.Length; i++)
        {
            if (positive[i])
            {
                sum += ranks[i];
            }
        }

        return (sum - (n1 * (n1 + 1) / 2.0)) / ((double)n1 * n0);
    }

    private static TruthScores Compare(string level, bool[] predicted, bool[] actual, double[] score, bool fromScores)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            (tp, fp, fn, tn) = (predicted[i], actual[i]) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (true, false) => (tp, fp + 1, fn, tn),
                (false, true) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
        }

        double precision = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        return new TruthScores(level, tp, fp, fn, tn, precision, recall, Auroc(score, actual), fromScores);
    }
}
