using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Training;

/// <summary>What a training run did and measured; written as <c>training.json</c> by <see cref="TrainingJson"/>.</summary>
public sealed record TrainingReport
{
    public required string Recipe { get; init; }

    public required int Seed { get; init; }

    public required int Steps { get; init; }

    public required int BatchSize { get; init; }

    public required double LearningRate { get; init; }

    public required int WarmupSteps { get; init; }

    public required double WeightDecay { get; init; }

    public required int Threads { get; init; }

    public required HookedTransformerConfig Config { get; init; }

    /// <summary>The loss of the last batch.</summary>
    public required double FinalLoss { get; init; }

    /// <summary>The mean loss of the last (up to) 50 batches.</summary>
    public required double SmoothedFinalLoss { get; init; }

    /// <summary>Batch loss at each checkpoint step (and the final one), keyed by step; step 0 is before any update.</summary>
    public required IReadOnlyDictionary<int, double> LossAtStep { get; init; }

    public required IReadOnlyList<int> Checkpoints { get; init; }

    public required double TrainSeconds { get; init; }

    public required double EvaluateSeconds { get; init; }

    /// <summary>Induction evidence (induction recipes only).</summary>
    public InductionReport? Induction { get; init; }

    /// <summary>Accuracy on fresh IOI prompts (toy-ioi only).</summary>
    public double? IoiAccuracy { get; init; }

    public int? IoiPrompts { get; init; }
}
