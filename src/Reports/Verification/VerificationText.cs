using System.Globalization;
using CircuitFinder.Graph.Results;

namespace CircuitFinder.Reports.Verification;

/// <summary>The short human summary of a verification report (what <c>verify</c> prints on stdout).</summary>
public static class VerificationText
{
    public static IReadOnlyList<string> Lines(VerificationRecord r)
    {
        var lines = new List<string>();
        if (r.Faithfulness is { } f)
        {
            lines.Add($"circuit: {f.Edges} of {f.GraphEdges} edges, {f.Nodes} nodes; {r.Task.Metric}: model {F(f.CleanMetric)}, circuit {F(f.CircuitMetric)}, all ablated {F(f.AblatedMetric)}; faithfulness {F(f.Faithfulness)}");
        }

        if (r.Curve is { } c)
        {
            lines.Add($"faithfulness curve (MIB budgets): {string.Join(", ", c.Points.Select(p => $"{p.Fraction * 100:0.###}%→{F(p.Faithfulness)}"))}; CPR {F(c.Cpr)}, CMD {F(c.Cmd)}");
        }

        if (r.Completeness is { } k)
        {
            lines.Add($"completeness: worst gap {F(k.Worst.Gap)} ({F(k.Worst.GapFraction)} of the clean-ablated range) removing {{{string.Join(", ", k.Worst.Subset.Select(n => n.Id))}}} ({k.Worst.Origin}; {k.Evaluated.Count} subsets tried)");
        }

        if (r.Minimality is { Least: { } least } m)
        {
            lines.Add($"minimality: smallest drop {F(least.Drop)} ({F(least.DropFraction)}) for {least.Node.Id} with {{{string.Join(", ", least.Helper.Select(h => h.Id))}}}; per node: {string.Join(", ", m.Nodes.Select(n => $"{n.Node.Id} {F(n.DropFraction)}"))}");
        }

        foreach (var t in r.Truth)
        {
            lines.Add($"ground truth ({t.Level}s): precision {F(t.Precision)}, recall {F(t.Recall)}, AUROC {F(t.Auroc)}{(t.AurocFromScores ? string.Empty : " (from membership; the file has no scores)")}");
        }

        foreach (var s in r.Scrubbing.Select(h => h.Result))
        {
            lines.Add($"causal scrubbing '{s.Hypothesis}' ({s.Mode.ToString().ToLowerInvariant()}, {s.Samples} samples): loss recovered {P(s.LossRecovered.Value)} [{P(s.LossRecovered.Low)}, {P(s.LossRecovered.High)}]; " +
                $"loss model {F(s.ModelLoss.Value)}, scrubbed {F(s.ScrubbedLoss.Value)} [{F(s.ScrubbedLoss.Low)}, {F(s.ScrubbedLoss.High)}], random {F(s.RandomLoss.Value)}");
        }

        return lines;
    }

    private static string F(double x)
    {
        if (!double.IsFinite(x))
        {
            return "n/a";
        }

        double rounded = Math.Round(x, 3);
        return (rounded == 0 ? 0.0 : rounded).ToString("0.###", CultureInfo.InvariantCulture); // no "-0"
    }

    private static string P(double x) => double.IsFinite(x) ? (100 * x).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";
}
