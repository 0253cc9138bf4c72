namespace CircuitFinder.Studies.Framework;

/// <summary>A table of a study's report (cells as text, numbers already formatted).</summary>
public sealed record StudyTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);
