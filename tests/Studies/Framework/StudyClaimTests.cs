using CircuitFinder.Studies.Framework;
using Xunit;

namespace CircuitFinder.Tests.Studies.Framework;

public sealed class StudyClaimTests
{
    [Theory]
    [InlineData(0.5, 0.5, true)]
    [InlineData(0.49, 0.5, false)]
    [InlineData(double.NaN, 0.5, false)]
    public void Given_a_measured_value_when_checked_at_least_a_threshold_then_it_passes_only_when_it_reaches_it(double measured, double threshold, bool passed)
    {
        var claim = StudyClaim.AtLeast("c", "statement", measured, threshold, "evidence");

        Assert.Equal(passed, claim.Passed);
        Assert.Equal(passed ? "PASS" : "FAIL", claim.Verdict);
        Assert.Equal(">=", claim.Comparison);
    }

    [Fact]
    public void Given_the_strict_comparisons_when_the_value_equals_the_threshold_then_they_fail()
    {
        Assert.False(StudyClaim.Above("c", "s", 1, 1, "e").Passed);
        Assert.False(StudyClaim.Below("c", "s", 1, 1, "e").Passed);
        Assert.True(StudyClaim.AtMost("c", "s", 1, 1, "e").Passed);
        Assert.Equal("0.25 < 1", StudyClaim.Below("c", "s", 0.25, 1, "e").Decision);
    }
}
