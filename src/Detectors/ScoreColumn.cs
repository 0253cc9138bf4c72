namespace CircuitFinder.Detectors;

/// <summary>
/// One score for every head, layer-major (<c>Values[layer * n_heads + head]</c>); null where the score does not apply to
/// a head (e.g. S-inhibition for heads at or after the name movers' layer).
/// </summary>
public sealed record ScoreColumn(string Name, IReadOnlyList<double?> Values)
{
    /// <summary>The score of head <paramref name="head"/> in <paramref name="layer"/>.</summary>
    public double? At(int layer, int head, int nHeads) => Values[(layer * nHeads) + head];
}
