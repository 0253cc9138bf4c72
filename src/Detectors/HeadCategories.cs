namespace CircuitFinder.Detectors;

/// <summary>
/// The documented thresholds (docs/detectors.md) that turn scores into category labels. Attention-pattern thresholds are
/// for the <c>mul</c> measure: on inputs of BOS and a span repeated twice only the second copy's queries can match a
/// duplicate-token or induction pattern, so those scores top out near one half.
/// </summary>
public static class HeadCategories
{
    public static IReadOnlyList<HeadCategory> All { get; } =
    [
        new("previous-token", "previous-token", 0.5, "attends to the token just before the query"),
        new("duplicate-token", "duplicate-token", 0.3, "attends to earlier copies of the query's token"),
        new("induction", "induction", 0.3, "attends to the token after an earlier copy of the query's token"),
        new("attention-sink", "bos", 0.5, "puts most of its attention on the first (BOS) position"),
        new("copying", "copying", 0.7, "its full OV circuit has mostly positive eigenvalues: it copies what it attends to"),
        new("copy-suppression", "copy-suppression", 0.7, "its full OV circuit has mostly negative eigenvalues: it suppresses what it attends to"),
        new("successor", "successor", 0.5, "its OV circuit maps ordinal tokens to their successors"),
        new("name-mover", "name-mover", 0.1, "IOI: attends from END to the indirect object and writes IO − S into the logits", "io-attention", 0.3),
        new("negative-name-mover", "negative-name-mover", 0.1, "IOI: attends from END to the indirect object and writes S − IO into the logits", "io-attention", 0.3),
        new("s-inhibition", "s-inhibition", 0.1, "IOI: its output, through the name movers' queries, keeps them off S"),
    ];

    /// <summary>The labels whose rules <paramref name="score"/> satisfies, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<string> Labels(Func<string, double?> score) => All.Where(c => c.Matches(score)).Select(c => c.Label).ToList();
}
