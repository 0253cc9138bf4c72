namespace CircuitFinder.Graph.Heads;

/// <summary>
/// Every head of one model with its scores, plain data for tables, pages and plots: <see cref="Scores"/> holds one list
/// per entry of <see cref="Columns"/>, layer-major (<c>[layer * n_heads + head]</c>), null where a score does not apply.
/// <see cref="Step"/> is the training step of a checkpoint, null for a model of a size family.
/// </summary>
public sealed record WikiHeadTable
{
    public required string Model { get; init; }

    public long? Step { get; init; }

    public required int NLayers { get; init; }

    public required int NHeads { get; init; }

    public required IReadOnlyList<string> Columns { get; init; }

    public required IReadOnlyList<IReadOnlyList<double?>> Scores { get; init; }

    /// <summary>Category labels per head, layer-major.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Labels { get; init; }

    public IReadOnlyList<WikiPair> Pairs { get; init; } = [];

    public IReadOnlyDictionary<string, double> Baselines { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Example inputs as token strings, by title.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Examples { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The head's name in human tables, <c>L{layer}H{head}</c>.</summary>
    public static string HeadName(int layer, int head) => $"L{layer}H{head}";

    /// <summary>The score of <paramref name="column"/> for the head at layer-major <paramref name="index"/>.</summary>
    public double? Score(string column, int index)
    {
        int c = Columns.ToList().IndexOf(column);
        return c < 0 ? null : Scores[c][index];
    }
}
