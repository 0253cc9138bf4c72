using System.Diagnostics.CodeAnalysis;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// The model names and aliases TransformerLens' <c>from_pretrained</c> accepts, each with the hub id it maps to: the
/// shipped table <c>transformer-lens-names.tsv</c> (taken from TransformerLens' <c>OFFICIAL_MODEL_NAMES</c> and
/// <c>MODEL_ALIASES</c>; rendered in docs/models.md). Names match case-insensitively, as in TransformerLens.
/// </summary>
public static class TransformerLensNames
{
    private const string ResourceName = "CircuitFinder.Model.Hub.transformer-lens-names.tsv";

    private static readonly Lazy<IReadOnlyList<(string Name, string HubId)>> Table = new(Read);
    private static readonly Lazy<Dictionary<string, string>> ByName = new(
        () => Table.Value.ToDictionary(r => r.Name, r => r.HubId, StringComparer.OrdinalIgnoreCase));

    /// <summary>Every accepted name with its hub id, in the table's order.</summary>
    public static IReadOnlyList<(string Name, string HubId)> All => Table.Value;

    /// <summary>The hub id <paramref name="name"/> stands for, when it is a TransformerLens name or alias.</summary>
    public static bool TryGetHubId(string name, [NotNullWhen(true)] out string? hubId) =>
        ByName.Value.TryGetValue(name, out hubId);

    private static IReadOnlyList<(string Name, string HubId)> Read()
    {
        using var stream = typeof(TransformerLensNames).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName}: not embedded in {typeof(TransformerLensNames).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var rows = new List<(string, string)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 2)
            {
                throw new InvalidOperationException($"{ResourceName}: expected 'name<TAB>hub id', got '{line}'");
            }

            rows.Add((columns[0], columns[1]));
        }

        return rows;
    }
}
