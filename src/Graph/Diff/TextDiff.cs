namespace CircuitFinder.Graph.Diff;

/// <summary>
/// The black-box diff of two models on one text: its token ids and their strings, how many windows of n_ctx tokens it
/// was run in (1 unless chunked), every predicted position in order (<paramref name="Positions"/>) and the
/// <paramref name="Top"/> positions where the two models' log-probabilities of the actual next token differ most.
/// </summary>
public sealed record TextDiff(IReadOnlyList<int> Tokens, IReadOnlyList<string> TokenTexts, int Windows, IReadOnlyList<TokenDiff> Positions, IReadOnlyList<TokenDiff> Top)
{
    /// <summary>Mean log-probability of the actual next token under A (nats per token).</summary>
    public double MeanLogProbA => Positions.Count == 0 ? 0 : Positions.Average(p => p.LogProbA);

    /// <summary>Mean log-probability of the actual next token under B (nats per token).</summary>
    public double MeanLogProbB => Positions.Count == 0 ? 0 : Positions.Average(p => p.LogProbB);

    /// <summary>Mean of log p_B − log p_A over the positions.</summary>
    public double MeanDifference => Positions.Count == 0 ? 0 : Positions.Average(p => p.Difference);

    /// <summary>Largest |log p_B − log p_A| over the positions.</summary>
    public double MaxAbsDifference => Positions.Count == 0 ? 0 : Positions.Max(p => Math.Abs(p.Difference));

    /// <summary>Mean KL(A ‖ B) over the positions; null where it is not defined (different output vocabularies).</summary>
    public double? MeanKl => Positions.Count == 0 || Positions.Any(p => p.Kl is null) ? null : Positions.Average(p => p.Kl!.Value);

    /// <summary>Whether every log-probability and every KL divergence is exactly equal / exactly 0.</summary>
    public bool Identical => Positions.All(p => p.Difference == 0 && (p.Kl ?? 0) == 0);
}
