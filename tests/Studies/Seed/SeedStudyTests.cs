using CircuitFinder.Studies;
using CircuitFinder.Studies.Framework;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Studies.Seed;

/// <summary>
/// Every study at its default inputs on the zoo (no download), and the claims known to hold there. Slow: together about
/// two minutes on a quiet two-core machine.
/// </summary>
public sealed class SeedStudyTests(ITestOutputHelper output)
{
    /// <summary>
    /// The claims known to hold at the defaults (the issue's acceptance and what the zoo models were built or trained to
    /// show). The others are results either way; the report states them (docs/studies.md lists what each gives).
    /// </summary>
    private static readonly Dictionary<string, string[]> KnownToHold = new()
    {
        ["induction-heads"] = ["second-half-lower"],
        ["induction-formation"] = ["phase-change", "composition-with-induction"],
        ["head-detectors"] = ["previous-token-validated"],
        ["circuit-check"] = ["faithful"],
        ["discovery-methods"] = ["acdc-recovers", "eap-recovers", "eap-ig-recovers", "hybrid-recovers"],
        ["training-diff"] = ["later-wins", "top-recovery-is-induction"],
        ["head-wiki"] = ["last-has-induction"],
    };

    public static TheoryData<string> Studies => new(StudyCatalog.Names);

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Studies))]
    public void Given_its_default_inputs_when_a_study_runs_then_every_claim_is_decided_by_a_number_and_its_report_renders(string name)
    {
        var result = StudyRun.Run(StudyCatalog.Get(name), new StudyInputs());
        foreach (var claim in result.Claims)
        {
            output.WriteLine($"{claim.Verdict}  {claim.Id}: {claim.Decision} ({claim.Evidence})");
        }

        output.WriteLine($"total {result.Timings.Single(t => t.Key == "total").Value} s");
        Assert.NotEmpty(result.Claims);
        Assert.NotEmpty(result.Steps);
        Assert.All(result.Inputs, i => Assert.False(string.IsNullOrEmpty(i.Sha256)));
        var files = StudyFolder.Render(result);
        Assert.Contains("study.json", files.Keys);
        Assert.All(result.Plots, p => Assert.Contains(StudyFolder.PlotPath(p), files.Keys));
        foreach (var id in KnownToHold.GetValueOrDefault(name, []))
        {
            var claim = result.Claims.Single(c => c.Id == id);
            Assert.True(claim.Passed, $"{name} {id}: {claim.Decision} ({claim.Evidence})");
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_checkpoints_of_attn_only_2l_when_induction_formation_runs_then_induction_forms_between_steps_512_and_1024_with_its_composition()
    {
        var result = StudyRun.Run(StudyCatalog.Get("induction-formation"), new StudyInputs());

        Assert.All(result.Claims, c => Assert.True(c.Passed, $"{c.Id}: {c.Decision} ({c.Evidence})"));
        Assert.Contains("between checkpoints 512 and 1024", result.Steps.Single(s => s.Name == "find the phase change").Summary, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_planted_induction_when_discovery_methods_runs_then_every_method_recovers_its_circuit_too()
    {
        const string model = "zoo:planted-induction";
        var result = StudyRun.Run(StudyCatalog.Get("discovery-methods"), new StudyInputs { Model = model });

        Assert.Equal(4, result.Claims.Count);
        Assert.All(result.Claims, c => Assert.True(c.Passed, $"{c.Id}: {c.Decision} ({c.Evidence})"));
    }
}
