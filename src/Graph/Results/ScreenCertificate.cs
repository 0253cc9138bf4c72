namespace CircuitFinder.Graph.Results;

/// <summary>
/// What the hybrid's adaptive screen checked before its exact tests. Each round keeps the top k edges by |EAP-IG score|
/// and applies ACDC's removal test once to everything else (ablated together, the damage to the metric relative to the
/// full model must be below τ); k starts at max(<see cref="StartMinimum"/>, ⌈<see cref="StartFraction"/>·|E|⌉) and
/// doubles until the test passes or every edge is screened in. <see cref="Certified"/> says whether the final
/// screened-out set passed (always, unless the screen was fixed). <see cref="CostInForwards"/> is the whole run's wall
/// time over one plain forward of the task's prompts (a timing, so it differs between identical runs).
/// </summary>
public sealed record ScreenCertificate(
    double Threshold,
    double StartFraction,
    int StartMinimum,
    bool Adaptive,
    IReadOnlyList<ScreenRound> Rounds,
    int ScreenedEdges,
    double ScreenedOutDamage,
    bool Certified,
    int ExactTests,
    double CostInForwards);
