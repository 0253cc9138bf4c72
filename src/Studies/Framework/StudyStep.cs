namespace CircuitFinder.Studies.Framework;

/// <summary>One step of a study: its name, every parameter it ran with (as text, in order) and one line of what it found.</summary>
public sealed record StudyStep(string Name, IReadOnlyList<KeyValuePair<string, string>> Parameters, string Summary);
