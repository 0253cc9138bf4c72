using System.Text.RegularExpressions;

namespace CircuitFinder.Graph;

/// <summary>
/// The graph level a list of ids implies (for circuit and hypothesis files that name no level): <c>neuron</c> when a
/// neuron id appears, <c>head</c> when an edge into a head names no q/k/v input, else <c>qkv</c>.
/// </summary>
public static partial class GraphLevels
{
    public static GraphLevel Of(IEnumerable<string> ids)
    {
        var all = ids.ToList();
        if (all.Any(id => NeuronId().IsMatch(id)))
        {
            return GraphLevel.Neuron;
        }

        return all.Select(WithoutPosition).Any(id => id.Contains("->", StringComparison.Ordinal) && HeadDestination().IsMatch(id) && !id.EndsWith('>'))
            ? GraphLevel.Head
            : GraphLevel.Qkv;
    }

    /// <summary>
    /// The position mode a list of edge ids implies: <see cref="PositionMode.None"/> when no id names a position
    /// (<c>@label</c>), <see cref="PositionMode.All"/> when every position is a number, else <see cref="PositionMode.Labels"/>.
    /// </summary>
    public static PositionMode PositionsOf(IEnumerable<string> ids)
    {
        var labels = ids.Where(id => id.Contains("->", StringComparison.Ordinal) && id.Contains('@', StringComparison.Ordinal))
            .Select(id => id[(id.LastIndexOf('@') + 1)..]).ToList();
        return labels.Count == 0 ? PositionMode.None
            : labels.All(l => l.Length > 0 && l.All(char.IsAsciiDigit)) ? PositionMode.All
            : PositionMode.Labels;
    }

    private static string WithoutPosition(string id) => id.LastIndexOf('@') is var at and >= 0 ? id[..at] : id;

    /// <summary>Parses a level name (<c>head</c>, <c>qkv</c>, <c>neuron</c>); null when it is none of them.</summary>
    public static GraphLevel? Parse(string? name) => name switch
    {
        "head" => GraphLevel.Head,
        "qkv" => GraphLevel.Qkv,
        "neuron" => GraphLevel.Neuron,
        _ => null,
    };

    /// <summary>The level's name as files and the command line spell it.</summary>
    public static string Name(GraphLevel level) => level.ToString().ToLowerInvariant();

    [GeneratedRegex(@"(^|[>\-])m\d+\.n\d+")]
    private static partial Regex NeuronId();

    [GeneratedRegex(@"->a\d+\.h\d+")]
    private static partial Regex HeadDestination();
}
