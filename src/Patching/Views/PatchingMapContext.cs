namespace CircuitFinder.Patching.Views;

/// <summary>What a patching map is labelled with: the model, the task, its prompt count, the metric's name and a label per position.</summary>
public sealed record PatchingMapContext(string Model, string Task, int Prompts, string Metric, IReadOnlyList<string> Positions);
