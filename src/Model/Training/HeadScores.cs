namespace CircuitFinder.Model.Training;

/// <summary>
/// One head's TransformerLens-style attention scores on repeated random tokens: the mean attention from each position to
/// the one before it, and from each token of the second repeat to the token after its first occurrence.
/// </summary>
public sealed record HeadScores(int Layer, int Head, double PreviousToken, double Induction)
{
    /// <summary>The head as in human tables, e.g. <c>L1H3</c>.</summary>
    public string Id => $"L{Layer}H{Head}";
}
