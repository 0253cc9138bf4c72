using CircuitFinder.Core;
using Xunit;

namespace CircuitFinder.Tests.Core;

/// <summary><see cref="SafeName"/>: labels from data become file names that cannot leave their folder; collisions are resolved in order.</summary>
public sealed class SafeNameTests
{
    [Theory]
    [InlineData("../../etc/passwd", "etc-passwd")]
    [InlineData("/abs/path", "abs-path")]
    [InlineData("..", "item")]
    [InlineData("zoo:attn-only-2l", "zoo-attn-only-2l")]
    [InlineData("Induction", "induction")]
    [InlineData("a\u001b[31mb", "a--31mb")]
    public void Given_a_label_then_the_slug_is_lower_case_ascii_letters_digits_underscores_and_dashes(string label, string slug)
    {
        Assert.Equal(slug, SafeName.Slug(label));
        Assert.Matches("^[a-z0-9_][a-z0-9_-]*$", SafeName.Slug(label));
    }

    [Fact]
    public void Given_labels_whose_slugs_collide_then_later_ones_get_numbered_deterministically()
    {
        Assert.Equal(["a-b", "a-b-2", "a-b-3", "a-b-2-2"], SafeName.Unique(["a/b", "a:b", "A B", "a-b-2"]));
        Assert.Equal(SafeName.Unique(["x", "X", "x"]), SafeName.Unique(["x", "X", "x"]));
    }
}
