namespace CircuitFinder.Tasks;

/// <summary>
/// The metric keys a task may name (the metric catalog's, which a test keeps equal) and those that compare the answers
/// with the wrong answers, so that a task file's <c>metric</c> is checked where the file is read.
/// </summary>
public static class TaskMetrics
{
    public static IReadOnlyList<string> Names { get; } = ["kl", "logit-diff", "prob", "prob-diff", "logprob", "loss", "accuracy"];

    /// <summary>Metrics that need every prompt to have wrong answers.</summary>
    public static IReadOnlyList<string> NeedingWrongAnswers { get; } = ["logit-diff", "prob-diff"];
}
