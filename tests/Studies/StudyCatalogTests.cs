using CircuitFinder.Core;
using CircuitFinder.Studies;
using Xunit;

namespace CircuitFinder.Tests.Studies;

public sealed class StudyCatalogTests
{
    [Fact]
    public void Given_the_catalog_when_listed_then_it_holds_the_issue_thirteen_studies_in_order_with_unique_names()
    {
        string[] expected =
        [
            "induction-heads", "induction-formation", "head-ablation", "ablation-disagreement", "composition", "head-detectors", "ioi-heads",
            "backup-heads", "dla-vs-patching", "circuit-check", "discovery-methods", "training-diff", "head-wiki",
        ];

        Assert.Equal(expected, StudyCatalog.Names);
        Assert.Equal(StudyCatalog.Names.Count, StudyCatalog.Names.Distinct().Count());
    }

    [Fact]
    public void Given_every_study_when_its_defaults_are_read_then_they_name_a_zoo_model_or_family_and_at_least_one_claim()
    {
        Assert.All(StudyCatalog.All, s =>
        {
            Assert.True((s.Defaults.Model ?? s.Defaults.Family)!.StartsWith("zoo:", StringComparison.Ordinal), s.Name);
            Assert.NotEmpty(s.ClaimStatements);
            Assert.NotEmpty(s.SeedProblems);
        });
    }

    [Fact]
    public void Given_an_unknown_name_when_looked_up_then_a_bad_input_names_the_nearest_study()
    {
        var e = Assert.Throws<BadInputException>(() => StudyCatalog.Get("induction-head"));

        Assert.Contains("induction-head'", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean induction-heads?", e.Message, StringComparison.Ordinal);
    }
}
