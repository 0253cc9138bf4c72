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
        };
        var output = new StringWriter();
        BenchCommand.PrintAcdcRun(figures, output);
        string text = output.ToString();
        Assert.Contains("ACDC run on 4 layers; tau 0.0001", text, StringComparison.Ordinal);
        Assert.Contains("479 edges, 470 exact tests, circuit 109 edges; 38300 ms (setup 1218 ms), plain forward 42.09 ms: 1.936 forwards per edge test", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_ACDC_run_figures_when_printing_then_it_says_the_run_was_skipped()
    {
        var output = new StringWriter();
        BenchCommand.PrintAcdcRun(new JObject { ["edges"] = 32491 }, output);
        Assert.Equal("ACDC run: skipped (--no-acdc-run)", output.ToString().Trim());
    }
}
