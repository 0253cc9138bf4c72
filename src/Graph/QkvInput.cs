namespace CircuitFinder.Graph;

/// <summary>The attention-head input an edge feeds; printed <c>&lt;q&gt;</c>, <c>&lt;k&gt;</c>, <c>&lt;v&gt;</c>.</summary>
public enum QkvInput
{
    /// <summary>Queries.</summary>
    Q,

    /// <summary>Keys.</summary>
    K,

    /// <summary>Values.</summary>
    V,
}
