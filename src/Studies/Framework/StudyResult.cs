namespace CircuitFinder.Studies.Framework;

/// <summary>
/// What a study run found, tensor-free: the study, the seed, every input with its hash, the steps with their parameters,
/// tables, plots and claims, and timings (seconds per phase; the only part that differs between two runs with one seed).
/// </summary>
public sealed record StudyResult
{
    public required string Study { get; init; }

    public required string Description { get; init; }

    public required string SeedProblems { get; init; }

    public required int Seed { get; init; }

    public required IReadOnlyList<StudyInput> Inputs { get; init; }

    public required IReadOnlyList<StudyStep> Steps { get; init; }

    public required IReadOnlyList<StudyTable> Tables { get; init; }

    public required IReadOnlyList<StudyPlot> Plots { get; init; }

    public required IReadOnlyList<StudyClaim> Claims { get; init; }

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Further files of the study's folder by relative path (a wiki site, say); study.json lists their paths.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; init; } = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, double>> Timings { get; init; } = [];

    /// <summary>Whether every claim passed.</summary>
    public bool AllPassed => Claims.All(c => c.Passed);
}
