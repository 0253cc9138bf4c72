namespace CircuitFinder.Graph.Diff;

/// <summary>
/// One position of the text in a model diff: the logits at <paramref name="Position"/> predict the token at
/// <paramref name="Position"/> + 1 (<paramref name="NextToken"/>, shown as <paramref name="NextTokenText"/> after
/// <paramref name="Context"/>, the text before it); <paramref name="LogProbA"/> and <paramref name="LogProbB"/> are its
/// log-probabilities under each model and <paramref name="Kl"/> is KL(A ‖ B) of the two next-token distributions (null
/// where the models' output vocabularies differ in size).
/// </summary>
public sealed record TokenDiff(int Position, int NextToken, string NextTokenText, string Context, double LogProbA, double LogProbB, double? Kl)
{
    /// <summary>log p_B − log p_A of the actual next token: positive where B predicts it better.</summary>
    public double Difference => LogProbB - LogProbA;
}
