using CircuitFinder.Cli.Commands;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Cli;

public sealed class BenchDiscoveryOutputTests
{
    [Fact]
    public void Given_the_figures_of_a_complete_ACDC_run_when_printing_then_edges_tests_circuit_and_forwards_per_test_are_shown()
    {
        var figures = new JObject
        {
            ["acdc_run_model"] = "4 layers",
            ["acdc_run_edges"] = 479,
            ["acdc_run_threshold"] = 1e-4,
            ["acdc_run_exact_tests"] = 470,
            ["acdc_run_circuit_edges"] = 109,
            ["acdc_run_ms"] = 38300.4,
            ["acdc_run_setup_ms"] = 1217.9,
            ["acdc_run_plain_forward_ms"] = 42.09,
            ["acdc_run_forwards_per_edge_test"] = 1.936,
            ["acdc_run_in_forwards"] = 910.2,
            ["acdc_run_faithfulness"] = 0.97,
            ["hybrid_run_rounds"] = new JArray(new JObject { ["edges"] = 32, ["damage"] = 0.5 }, new JObject { ["edges"] = 64, ["damage"] = 0 }),
            ["hybrid_run_exact_tests"] = 60,
            ["hybrid_run_circuit_edges"] = 20,
            ["hybrid_run_faithfulness"] = 0.96,
            ["hybrid_run_in_forwards"] = 120.5,
        };
        var output = new StringWriter();
        BenchCommand.PrintAcdcRun(figures, output);
        string text = output.ToString();
        Assert.Contains("ACDC run on 4 layers; tau 0.0001", text, StringComparison.Ordinal);
        Assert.Contains("479 edges, 470 exact tests, circuit 109 edges; 38300 ms (setup 1218 ms), plain forward 42.09 ms: 1.936 forwards per edge test", text, StringComparison.Ordinal);
        Assert.Contains("acdc 910.2 forwards, faithfulness 0.97; adaptive hybrid (screen from 32 edges: 32 -> 64) 60 exact tests, 20 edges, faithfulness 0.96, 120.5 forwards", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_stories_figures_when_printing_then_both_methods_costs_and_faithfulness_are_shown()
    {
        var figures = new JObject
        {
            ["stories_model"] = "stories260K",
            ["stories_edges"] = 2461,
            ["stories_metric"] = "logit-diff",
            ["stories_hybrid_rounds"] = new JArray(new JObject { ["edges"] = 256 }),
            ["stories_hybrid_certified"] = true,
            ["stories_hybrid_exact_tests"] = 200,
            ["stories_hybrid_circuit_edges"] = 70,
            ["stories_hybrid_faithfulness"] = 1.05,
            ["stories_hybrid_in_forwards"] = 150.0,
            ["stories_acdc_exact_tests"] = 988,
            ["stories_acdc_circuit_edges"] = 76,
            ["stories_acdc_faithfulness"] = 1.066,
            ["stories_acdc_in_forwards"] = 1600.0,
            ["stories_acdc_over_hybrid_cost"] = 10.67,
        };
        var output = new StringWriter();
        BenchCommand.PrintStories(figures, output);
        Assert.Contains("logit-diff: hybrid: screen 256 (certified), 200 exact tests, 70 edges, faithfulness 1.05, 150 forwards; acdc: 988 exact tests, 76 edges, faithfulness 1.066, 1600 forwards; acdc / hybrid cost 10.67x", output.ToString(), StringComparison.Ordinal);
        var skipped = new StringWriter();
        BenchCommand.PrintStories(new JObject { ["stories_model"] = "skipped (--no-stories)" }, skipped);
        Assert.Equal("stories260K: skipped (--no-stories)", skipped.ToString().Trim());
    }

    [Fact]
    public void Given_no_ACDC_run_figures_when_printing_then_it_says_the_run_was_skipped()
    {
        var output = new StringWriter();
        BenchCommand.PrintAcdcRun(new JObject { ["edges"] = 32491 }, output);
        Assert.Equal("ACDC run: skipped (--no-acdc-run)", output.ToString().Trim());
    }
}
