namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// <c>copying</c> (Σλ / Σ|λ| of the full OV circuit, <see cref="CopyingScores"/>) or, with <c>suppression</c>, its
/// negative <c>copy-suppression</c>.
/// </summary>
public sealed class CopyingDetector(bool suppression) : IHeadDetector
{
    public string Name => suppression ? "copy-suppression" : "copying";

    public string Description => suppression
        ? "−Σλ/Σ|λ| over the eigenvalues of the full OV circuit W_E W_OV W_U (negative copying: the head suppresses what it attends to)"
        : "Σλ/Σ|λ| over the eigenvalues of the full OV circuit W_E W_OV W_U (Elhage et al. 2021), from its d_head-sized factored side";

    public DetectorResult Run(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = TorchSharp.torch.NewDisposeScope(); // the repeated grouped-query weights
        var model = context.Model;
        var scores = CopyingScores.Compute(
            model.Embed.W_E, HeadWeights.W_V(model), HeadWeights.W_O(model), model.Unembed.W_U);
        return new DetectorResult { Columns = [new ScoreColumn(Name, scores.Select(s => (double?)(suppression ? -s : s)).ToList())] };
    }
}
