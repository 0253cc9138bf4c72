namespace CircuitFinder.Studies.Framework;

/// <summary>One input a study read: its role (<c>model</c>, <c>task</c>, <c>checkpoint</c>), what it was given as, and its sha256.</summary>
public sealed record StudyInput(string Role, string Source, string Sha256);
