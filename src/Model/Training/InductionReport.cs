namespace CircuitFinder.Model.Training;

/// <summary>
/// What <see cref="InductionEvidence.Measure"/> found: next-token loss on the first and the second occurrence of repeated
/// random tokens, every head's scores, the best previous-token head in layer 0 and the best induction head in a later
/// layer (null for a one-layer model).
/// </summary>
public sealed record InductionReport(
    int Prompts,
    int RepeatLength,
    double FirstOccurrenceLoss,
    double SecondOccurrenceLoss,
    IReadOnlyList<HeadScores> Heads,
    HeadScores BestPreviousTokenHead,
    HeadScores? BestInductionHead);
