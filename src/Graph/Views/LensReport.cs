namespace CircuitFinder.Graph.Views;

/// <summary>
/// The logit lens and direct logit attribution of one prompt (a column per position) or of a task (one column: each
/// prompt's read position, averaged over the prompts). <paramref name="Target"/> says what is read (an answer's logit, or
/// the answers' mean logit minus the wrong answers'). <paramref name="Lens"/>: accumulated residual × column;
/// <paramref name="Components"/>: every component and bias term × column; <paramref name="Heads"/>: layer × head at the
/// last column. <paramref name="Logit"/> is the model's own value of the target per column and
/// <paramref name="AttributionSum"/> the sum of the <paramref name="Components"/> column, which equals it.
/// <paramref name="TopTokens"/> (one prompt only): the lens's most likely token per layer and position.
/// </summary>
public sealed record LensReport(
    string Model,
    string Source,
    int Prompts,
    string Target,
    ViewMap Lens,
    ViewMap Components,
    ViewMap Heads,
    IReadOnlyList<double> Logit,
    IReadOnlyList<double> AttributionSum,
    IReadOnlyList<IReadOnlyList<string>>? TopTokens);
