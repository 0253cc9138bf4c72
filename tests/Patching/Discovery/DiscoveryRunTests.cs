using CircuitFinder.Model;
using CircuitFinder.Patching.Discovery;
using Xunit;

namespace CircuitFinder.Tests.Patching.Discovery;

/// <summary><see cref="DiscoveryRun"/>'s checks, which need no model, and what the algorithms declare about themselves.</summary>
public sealed class DiscoveryRunTests
{
    [Theory]
    [InlineData("acdc", SelectionKind.ThresholdTest, true, "kl")]
    [InlineData("hybrid", SelectionKind.ThresholdTest, true, null)]
    [InlineData("eap", SelectionKind.Ranking, false, null)]
    [InlineData("eap-ig", SelectionKind.Ranking, false, null)]
    public void Every_catalog_algorithm_declares_its_selection_checkpointing_and_default_metric(string method, SelectionKind selection, bool checkpoints, string? metric)
    {
        var traits = DiscoveryCatalog.Create(method).Traits;
        Assert.Equal((selection, checkpoints, metric), (traits.Selection, traits.Checkpoints, traits.DefaultMetric));
    }

    [Theory]
    [InlineData("acdc")]
    [InlineData("hybrid")]
    public void Given_a_threshold_test_method_with_a_top_k_then_the_run_is_refused_naming_the_threshold(string method)
    {
        var error = Assert.Throws<BadInputException>(() => new DiscoveryRun(new DiscoverySettings { Method = method, TopK = 5 }));
        Assert.Contains("--threshold", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, 7.5)]
    [InlineData(0.1, 5, null)]
    public void Given_a_ranking_method_without_exactly_one_selection_then_the_run_is_refused(double? threshold, int? topK, double? budget)
    {
        var settings = new DiscoverySettings { Method = "eap", Threshold = threshold, TopK = topK, BudgetPercent = budget };
        if (threshold is null && topK is null)
        {
            Assert.Equal("eap", new DiscoveryRun(settings).Algorithm.Name); // a budget alone is one selection
            return;
        }

        Assert.Throws<BadInputException>(() => new DiscoveryRun(settings));
    }

    [Theory]
    [InlineData("no-such-method", null, null, "--method")]
    [InlineData("eap", "no-such-metric", null, "--metric")]
    [InlineData("eap", null, 0, "--batch")]
    public void Given_a_bad_setting_then_the_run_is_refused_before_any_model_naming_the_option(string method, string? metric, int? batch, string option)
    {
        var error = Assert.Throws<BadInputException>(() => new DiscoveryRun(new DiscoverySettings { Method = method, TopK = 3, Metric = metric, BatchSize = batch }));
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }
}
