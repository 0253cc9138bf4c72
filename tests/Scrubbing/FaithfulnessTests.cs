using CircuitFinder.Graph;
using CircuitFinder.Scrubbing.Verification;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class FaithfulnessTests
{
    [Theory]
    [InlineData("planted-induction")]
    [InlineData("planted-ioi")]
    public void Given_a_planted_model_when_its_ground_truth_is_verified_then_faithfulness_is_at_least_095(string name)
    {
        using var setup = PlantedSetup.Create(name);
        double f = setup.Evaluator.FaithfulnessOf([setup.Truth])[0];
        Assert.InRange(f, 0.95, 1.05);
    }

    [Fact]
    public void Given_the_full_graph_and_the_empty_circuit_then_faithfulness_is_exactly_one_and_zero()
    {
        using var setup = PlantedSetup.Create("planted-induction");
        var f = setup.Evaluator.FaithfulnessOf([Circuit.Full(setup.Graph), Circuit.Empty]);
        Assert.Equal(1.0, f[0]);
        Assert.Equal(0.0, f[1]);
        Assert.Equal(setup.Evaluator.CleanMetric, setup.Evaluator.ExactMetricOf([Circuit.Full(setup.Graph)])[0]);
    }

    [Theory]
    [InlineData("planted-induction")]
    [InlineData("planted-ioi")]
    public void Given_scores_ranking_the_truth_first_when_the_MIB_curve_is_taken_then_it_is_monotone_and_its_areas_follow_the_trapezoid_rule(string name)
    {
        using var setup = PlantedSetup.Create(name);
        // truth edges first (graph order), then every other edge; budgets are nested top-k sets
        var scores = setup.Graph.Edges.Select((e, i) => (e, s: (setup.Truth.Contains(e) ? 1000.0 : 0.0) + (setup.Graph.Edges.Count - i))).ToDictionary(x => x.e, x => x.s);
        var curve = FaithfulnessCurve.Evaluate(setup.Evaluator, scores);
        Assert.Equal(FaithfulnessCurve.MibFractions.Count, curve.Points.Count);
        for (int i = 1; i < curve.Points.Count; i++)
        {
            Assert.True(curve.Points[i].Faithfulness >= curve.Points[i - 1].Faithfulness - 1e-6, $"f drops from budget {curve.Points[i - 1].Fraction} to {curve.Points[i].Fraction}");
        }

        Assert.Equal(1.0, curve.Points[^1].Faithfulness);
        double cpr = 0, cmd = 0;
        for (int i = 0; i + 1 < curve.Points.Count; i++)
        {
            double dx = curve.Points[i + 1].Fraction - curve.Points[i].Fraction;
            cpr += dx * (curve.Points[i].Faithfulness + curve.Points[i + 1].Faithfulness) / 2;
            cmd += dx * (Math.Abs(1 - curve.Points[i].Faithfulness) + Math.Abs(1 - curve.Points[i + 1].Faithfulness)) / 2;
        }

        Assert.Equal(cpr, curve.Cpr, 12);
        Assert.Equal(cmd, curve.Cmd, 12);
    }

    [Fact]
    public void Given_a_constant_curve_then_CPR_is_its_value_times_the_budget_span()
    {
        Assert.Equal(0.999 * 0.5, FaithfulnessCurve.Trapezoid(FaithfulnessCurve.MibFractions, Enumerable.Repeat(0.5, 10).ToList()), 12);
    }
}
