namespace CircuitFinder.Graph.Results;

/// <summary>
/// The outcome of scrubbing one hypothesis: the expected loss of the model, of the model on random prompts (scored
/// against each original prompt's answer) and of the scrubbed model, and the % loss recovered
/// <c>(L_random − L_scrubbed) / (L_random − L_model)</c> (as a fraction), each with a bootstrap 95% interval over the
/// prompts × draws samples; the evaluation mode, node evaluations per draw and the sample count.
/// </summary>
public sealed record ScrubResult(
    string Hypothesis,
    ScrubMode Mode,
    Interval ModelLoss,
    Interval RandomLoss,
    Interval ScrubbedLoss,
    Interval LossRecovered,
    int Evaluations,
    int Samples,
    int Draws);
