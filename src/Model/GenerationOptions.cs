namespace CircuitFinder.Model;

/// <summary>
/// How <see cref="TokenSampling"/> picks each next token: <see cref="Temperature"/> 0 is greedy (the most likely token,
/// the first on ties); above 0 it samples from softmax(logits / T), among the <see cref="TopK"/> most likely tokens where
/// given (top-k alone samples at T = 1), with the generator seeded by <see cref="Seed"/>.
/// </summary>
public sealed record GenerationOptions
{
    public static GenerationOptions Greedy { get; } = new();

    public double Temperature { get; init; }

    public int? TopK { get; init; }

    public long Seed { get; init; }

    /// <summary>Whether tokens are sampled (a positive temperature), not chosen greedily.</summary>
    public bool Samples => Temperature > 0;

    /// <summary>Throws <see cref="BadInputException"/> naming the option for a negative or non-finite temperature or a top-k below 1.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new BadInputException($"--temperature must be a finite number ≥ 0 (0: greedy), got {Temperature}");
        }

        if (TopK is < 1)
        {
            throw new BadInputException($"--top-k must be at least 1, got {TopK}");
        }
    }
}
