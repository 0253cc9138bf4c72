namespace CircuitFinder.Detectors.Patterns;

/// <summary>The inputs an attention-pattern detector is scored on.</summary>
public enum PatternInput
{
    /// <summary>BOS, then random tokens (drawn with replacement): previous-token and attention-sink scores.</summary>
    Random,

    /// <summary>BOS, then a span of distinct random tokens repeated twice: duplicate-token and induction scores.</summary>
    Repeated,
}
