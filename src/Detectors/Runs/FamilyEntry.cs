namespace CircuitFinder.Detectors.Runs;

/// <summary>One model of a wiki family: its name in the wiki, where to load it from, its training step (checkpoints) and task hint.</summary>
public sealed record FamilyEntry(string Name, string Source, long? Step, string? TaskHint);
