namespace CircuitFinder.Detectors.Patterns;

/// <summary>How an attention pattern is compared with a detection pattern: TransformerLens' keyword arguments of <c>detect_head</c>.</summary>
public sealed record PatternScoring(ErrorMeasure ErrorMeasure = ErrorMeasure.Mul, bool ExcludeBos = false, bool ExcludeCurrentToken = false)
{
    public static PatternScoring Default { get; } = new();

    /// <summary>Parses <c>mul</c> or <c>abs</c>.</summary>
    public static ErrorMeasure ParseMeasure(string text, string where) => text switch
    {
        "mul" => ErrorMeasure.Mul,
        "abs" => ErrorMeasure.Abs,
        _ => throw new BadInputException($"{where}: unknown error measure '{text}' (expected mul or abs)"),
    };
}
