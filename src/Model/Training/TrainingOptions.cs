namespace CircuitFinder.Model.Training;

/// <summary>How to run a recipe: seed, step count (the recipe's when null) and checkpointing.</summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; }

    public int? Steps { get; init; }

    /// <summary>Save <c>checkpoints/step_{n}/</c> at log-spaced steps (see <see cref="CheckpointSchedule"/>).</summary>
    public bool SaveCheckpoints { get; init; } = true;

    public int MaxCheckpoints { get; init; } = 12;

    /// <summary>
    /// Intra-op threads for the run (process-wide, restored afterwards); null keeps the current setting. One thread is
    /// the default: these models are tiny, a loaded machine makes two spinning threads ~20× slower, and results are
    /// reproducible for a fixed thread count.
    /// </summary>
    public int? Threads { get; init; } = 1;
}
