using Xunit;

namespace CircuitFinder.Tests.Core;

public sealed class SuggestTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("hook_z", "hook_q", 1)]
    [InlineData("abc", "", 3)]
    public void Distance_counts_the_fewest_insertions_deletions_and_substitutions(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggest.Distance(a, b));
        Assert.Equal(expected, Suggest.Distance(b, a));
    }

    [Fact]
    public void Given_names_when_two_are_equally_near_then_the_ordinally_first_is_suggested()
    {
        Assert.Equal("ab", Suggest.Nearest("a", ["b", "ac", "ab"]));
        Assert.Equal(string.Empty, Suggest.Nearest("a", []));
    }

    [Fact]
    public void Given_records_when_two_are_equally_near_then_the_earliest_is_suggested()
    {
        var candidates = new[] { "m1", "m0", "a0.h0" };
        Assert.Equal("m1", Suggest.Nearest("m2", candidates, c => c));
        Assert.Null(Suggest.Nearest("m2", Array.Empty<string>(), c => c));
    }
}
