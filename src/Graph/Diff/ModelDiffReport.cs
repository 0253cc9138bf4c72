namespace CircuitFinder.Graph.Diff;

/// <summary>
/// What changed between model A and model B (written as <c>diff.json</c>, schema <c>circuitfinder/diff@1</c>): the
/// black-box diff on a text (<paramref name="Text"/>, null without one) and on tasks (<paramref name="Tasks"/>), and the
/// inside diff (<paramref name="Inside"/>) where both have the same structure; otherwise <paramref name="Inside"/> is null
/// and <paramref name="InsideRefused"/> says which shapes differ.
/// </summary>
public sealed record ModelDiffReport(
    string ModelA,
    string ModelB,
    TextDiff? Text,
    IReadOnlyList<TaskDiff> Tasks,
    InsideDiff? Inside,
    string? InsideRefused)
{
    /// <summary>The versioned schema name of <c>diff.json</c>.</summary>
    public const string Schema = "circuitfinder/diff@1";

    /// <summary>Whether every difference measured is exactly 0 (a model diffed with itself).</summary>
    public bool Identical => (Text?.Identical ?? true) && Tasks.All(t => t.Identical) && (Inside?.Identical ?? InsideRefused is null);
}
