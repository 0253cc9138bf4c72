using CircuitFinder.Patching.Metrics;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>Each metric against numbers worked out by hand on a 2-prompt, 4-token vocabulary.</summary>
public sealed class MetricTests
{
    // logits [V=1, b=2, vocab=4]
    private static Tensor Logits() => tensor(new float[] { 1, 2, 0, -1, 0, 0, 3, 1 }).view(1, 2, 4);

    private static MetricTarget Target(Tensor? clean = null) => new(
        tensor(new long[] { 1, -1, 2, 3 }).view(2, 2),   // prompt 0: answer 1; prompt 1: answers 2 and 3
        tensor(new long[] { 0, 3, 0, -1 }).view(2, 2),   // prompt 0: wrong 0 and 3; prompt 1: wrong 0
        clean ?? Logits()[0]);

    private static float[] Values(IMetric metric, Tensor? clean = null) => metric.PerPrompt(Logits(), Target(clean)).view(-1).data<float>().ToArray();

    private static double[] Softmax(params double[] x)
    {
        var e = x.Select(Math.Exp).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void Logit_difference_is_mean_answer_logit_minus_mean_wrong_logit()
    {
        var v = Values(new LogitDifferenceMetric());
        Assert.Equal(2 - ((1 + -1) / 2.0), v[0], 5);
        Assert.Equal(((3 + 1) / 2.0) - 0, v[1], 5);
    }

    [Fact]
    public void Probability_log_probability_and_probability_difference_sum_over_answers()
    {
        var p0 = Softmax(1, 2, 0, -1);
        var p1 = Softmax(0, 0, 3, 1);
        var prob = Values(new ProbabilityMetric());
        Assert.Equal(p0[1], prob[0], 5);
        Assert.Equal(p1[2] + p1[3], prob[1], 5);
        var logprob = Values(new LogProbabilityMetric());
        Assert.Equal(Math.Log(p0[1]), logprob[0], 5);
        Assert.Equal(Math.Log(p1[2] + p1[3]), logprob[1], 5);
        var diff = Values(new ProbabilityDifferenceMetric());
        Assert.Equal(p0[1] - p0[0] - p0[3], diff[0], 5);
        Assert.Equal(p1[2] + p1[3] - p1[0], diff[1], 5);
    }

    [Fact]
    public void Loss_is_the_cross_entropy_of_the_first_answer_and_accuracy_checks_the_argmax()
    {
        var p0 = Softmax(1, 2, 0, -1);
        var p1 = Softmax(0, 0, 3, 1);
        var loss = Values(new LossMetric());
        Assert.Equal(-Math.Log(p0[1]), loss[0], 5);
        Assert.Equal(-Math.Log(p1[2]), loss[1], 5);
        Assert.Equal(new float[] { 1, 1 }, Values(new AccuracyMetric()));
    }

    [Fact]
    public void KL_divergence_is_zero_at_the_clean_point_and_matches_the_definition_elsewhere()
    {
        Assert.All(Values(new KlDivergenceMetric()), v => Assert.Equal(0, v, 6));
        var clean = tensor(new float[] { 0, 0, 0, 0, 1, 1, 1, 1 }).view(2, 4);
        var kl = Values(new KlDivergenceMetric(), clean);
        var p = Softmax(1, 2, 0, -1);
        double expected = Enumerable.Range(0, 4).Sum(i => 0.25 * (Math.Log(0.25) - Math.Log(p[i])));
        Assert.Equal(expected, kl[0], 5);
    }

    [Fact]
    public void The_catalog_knows_every_metric_and_rejects_unknown_names()
    {
        Assert.All(MetricCatalog.Names, n => Assert.Equal(n, MetricCatalog.Create(n).Name));
        Assert.False(MetricCatalog.Create("kl").HigherIsBetter);
        Assert.Contains("logit-diff", Assert.Throws<ArgumentException>(() => MetricCatalog.Create("logit_diff")).Message);
    }
}
