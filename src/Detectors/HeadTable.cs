namespace CircuitFinder.Detectors;

/// <summary>
/// Every head of one model scored by a set of detectors: columns in detector order, category labels per head
/// (layer-major), composition pairs, random baselines, notes and example inputs.
/// </summary>
public sealed record HeadTable
{
    public required string Model { get; init; }

    public required int NLayers { get; init; }

    public required int NHeads { get; init; }

    public required IReadOnlyList<ScoreColumn> Columns { get; init; }

    /// <summary>Category labels of each head, layer-major.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Labels { get; init; }

    public IReadOnlyList<CompositionPair> Pairs { get; init; } = [];

    public IReadOnlyDictionary<string, double> Baselines { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>What each column measures (its detector's description), by column.</summary>
    public IReadOnlyDictionary<string, string> ColumnDescriptions { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Examples { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public ScoreColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>The head with the highest score in <paramref name="column"/> as (layer, head, score), or null when it has none.</summary>
    public (int Layer, int Head, double Score)? Top(string column)
    {
        var values = Column(column)?.Values;
        if (values is null || values.All(v => v is null))
        {
            return null;
        }

        int best = Enumerable.Range(0, values.Count).Where(i => values[i] is not null).MaxBy(i => values[i]!.Value);
        return (best / NHeads, best % NHeads, values[best]!.Value);
    }
}
