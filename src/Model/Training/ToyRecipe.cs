using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Training;

/// <summary>A named way to train a toy model: architecture, data, optimizer settings and the default step count.</summary>
public sealed record ToyRecipe
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required HookedTransformerConfig Config { get; init; }

    public required ToyTaskKind Task { get; init; }

    public required int Steps { get; init; }

    public int BatchSize { get; init; } = 32;

    /// <summary>Peak AdamW learning rate, reached after <see cref="WarmupSteps"/> linear steps, then cosine to 10%.</summary>
    public double LearningRate { get; init; } = 1e-3;

    public int WarmupSteps { get; init; } = 100;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradients are clipped to this global norm.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>The learning rate multiplier at <paramref name="step"/> (0-based) of <paramref name="steps"/>.</summary>
    public double LearningRateFactor(int step, int steps)
    {
        if (step < WarmupSteps)
        {
            return (step + 1) / (double)WarmupSteps;
        }

        double progress = Math.Min(1.0, (step - WarmupSteps) / (double)Math.Max(1, steps - WarmupSteps));
        return 0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
