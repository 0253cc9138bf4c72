namespace CircuitFinder.Graph.Heads;

/// <summary>
/// A head category: its label, the score column it is decided on, the rule that assigns it (e.g. <c>induction ≥ 0.3</c>)
/// and what it means.
/// </summary>
public sealed record WikiCategory(string Label, string Column, string Rule, string Description);
