namespace CircuitFinder.Graph;

/// <summary>How a graph splits edges by the destination's token position (<c>--positions</c>).</summary>
public enum PositionMode
{
    /// <summary>One edge per source and destination input, all positions at once.</summary>
    None,

    /// <summary>One edge per token position: labels <c>0</c> … <c>p − 1</c>.</summary>
    All,

    /// <summary>One edge per word label of the task (<c>word_positions</c>), the other positions as <c>other</c>.</summary>
    Labels,
}
