namespace CircuitFinder.Reports.Verification;

/// <summary>
/// Causal scrubbing of one hypothesis: the file, mode (<c>tree</c> or <c>node</c>), the hypothesis' edge count, the
/// expected losses (model, random prompts, scrubbed), the fraction of loss recovered, each with a 95% interval, and the
/// cost (node evaluations per draw), samples and draws.
/// </summary>
public sealed record ScrubSummary(
    string Hypothesis,
    string File,
    string Mode,
    int Edges,
    IntervalSummary ModelLoss,
    IntervalSummary RandomLoss,
    IntervalSummary ScrubbedLoss,
    IntervalSummary LossRecovered,
    int Evaluations,
    int Samples,
    int Draws);
