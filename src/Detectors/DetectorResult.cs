namespace CircuitFinder.Detectors;

/// <summary>
/// What a detector found: score columns, notes (why a detector did not apply, what inputs it used), composition pairs and
/// random baselines (keyed like <c>k_composition</c>), and example inputs as token strings for people to read.
/// </summary>
public sealed record DetectorResult
{
    public IReadOnlyList<ScoreColumn> Columns { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    public IReadOnlyList<CompositionPair> Pairs { get; init; } = [];

    public IReadOnlyDictionary<string, double> Baselines { get; init; } = new Dictionary<string, double>();

    /// <summary>An example input per title (e.g. <c>induction</c>: the first repeated random sequence), as token strings.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Examples { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>A result with only a note: the detector does not apply to this model.</summary>
    public static DetectorResult NotApplicable(string note) => new() { Notes = [note] };
}
