namespace CircuitFinder.Model.Training;

/// <summary>A training progress report: steps done of all, and the latest batch loss.</summary>
public readonly record struct TrainingProgress(int Step, int Steps, double Loss);
