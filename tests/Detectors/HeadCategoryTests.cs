using CircuitFinder.Detectors;
using Xunit;

namespace CircuitFinder.Tests.Detectors;

public sealed class HeadCategoryTests
{
    [Fact]
    public void Labels_follow_the_documented_thresholds_and_need_every_condition()
    {
        var scores = new Dictionary<string, double?> { ["induction"] = 0.3, ["previous-token"] = 0.49, ["name-mover"] = 0.5, ["io-attention"] = 0.2 };
        var labels = HeadCategories.Labels(c => scores.GetValueOrDefault(c));
        Assert.Equal(["induction"], labels); // previous-token below 0.5; name mover without enough attention to IO
        scores["io-attention"] = 0.3;
        Assert.Equal(["induction", "name-mover"], HeadCategories.Labels(c => scores.GetValueOrDefault(c)));
        Assert.Equal("name-mover ≥ 0.1 and io-attention ≥ 0.3", HeadCategories.All.Single(c => c.Label == "name-mover").Rule);
    }
}
