using CircuitFinder.Core;
using Xunit;

namespace CircuitFinder.Tests.Core;

/// <summary><see cref="TerminalText"/>: control characters (ESC, BEL, C1) are shown as <c>\uXXXX</c>, never sent to the terminal.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void Given_escape_sequences_then_every_control_character_is_escaped_and_other_text_kept()
    {
        Assert.Equal("id \\u001b[31mred\\u0007 ok \\u009b é", TerminalText.Escape("id \u001b[31mred\u0007 ok \u009b é"));
        Assert.Equal("a b \\u001b", TerminalText.OneLine("a\nb \u001b"));
        Assert.Equal("plain", TerminalText.Escape("plain"));
    }
}
