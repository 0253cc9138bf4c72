using CircuitFinder.Reports.Verification;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Scrubbing.Verification;

namespace CircuitFinder.Cli.Commands;

/// <summary>Maps the Scrubbing layer's results onto the tensor-free report records that Reports renders.</summary>
public static class VerificationMapping
{
    public static CurveSummary Curve(FaithfulnessCurveResult r) =>
        new(r.Points.Select(p => new CurvePointSummary(p.Fraction, p.Requested, p.Edges, p.Metric, p.Faithfulness)).ToList(), r.Cpr, r.Cmd);

    public static CompletenessSummary Completeness(CompletenessResult r, SubsetSearchOptions options) =>
        new(Subset(r.Worst), r.Evaluated.Select(Subset).ToList(), options.RandomSubsets, options.GreedySteps);

    public static MinimalitySummary Minimality(MinimalityResult r) =>
        new(r.Nodes.Select(NodeMin).ToList(), r.Least is null ? null : NodeMin(r.Least));

    public static TruthSummary Truth(TruthScores t) =>
        new(t.Level, t.TruePositives, t.FalsePositives, t.FalseNegatives, t.TrueNegatives, t.Precision, t.Recall, t.Auroc, t.AurocFromScores);

    public static ScrubSummary Scrub(ScrubResult r, string file, int edges) =>
        new(r.Hypothesis, file, r.Mode.ToString().ToLowerInvariant(), edges, Interval(r.ModelLoss), Interval(r.RandomLoss), Interval(r.ScrubbedLoss), Interval(r.LossRecovered), r.Evaluations, r.Samples, r.Draws);

    private static SubsetSummary Subset(SubsetGap g) => new(g.Subset.Select(n => n.Id).ToList(), g.CircuitMetric, g.ModelMetric, g.Gap, g.GapFraction, g.Origin);

    private static NodeMinimalitySummary NodeMin(NodeMinimality n) => new(n.Node.Id, n.Drop, n.DropFraction, n.Helper.Select(h => h.Id).ToList());

    private static IntervalSummary Interval(Interval i) => new(i.Value, i.Low, i.High);
}
