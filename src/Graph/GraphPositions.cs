using System.Globalization;

namespace CircuitFinder.Graph;

/// <summary>
/// The position groups of a positional graph: each edge <c>s-&gt;d@label</c> ablates only the rows of d's input whose
/// token position falls in the group <c>label</c>. <see cref="PositionMode.All"/> has one group per position, labelled
/// <c>0</c> … <c>p − 1</c>; <see cref="PositionMode.Labels"/> has the task's word labels (<c>IO</c>, <c>S1</c>, …) and
/// last <see cref="Other"/>, for every position no label names. Labels are letters, digits and underscores.
/// </summary>
public sealed class GraphPositions : IEquatable<GraphPositions>
{
    /// <summary>The group of the positions no word label names.</summary>
    public const string Other = "other";

    private readonly Dictionary<string, int> _index;

    private GraphPositions(PositionMode mode, IReadOnlyList<string> labels)
    {
        Mode = mode;
        Labels = labels;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            if (!IsLabel(labels[i]))
            {
                throw new ArgumentException($"position label '{labels[i]}' must be letters, digits and underscores", nameof(labels));
            }

            if (!_index.TryAdd(labels[i], i))
            {
                throw new ArgumentException($"position label '{labels[i]}' appears twice", nameof(labels));
            }
        }
    }

    /// <summary><see cref="PositionMode.All"/> or <see cref="PositionMode.Labels"/>.</summary>
    public PositionMode Mode { get; }

    /// <summary>The group labels, in graph order (the order of an edge's positional copies).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of groups.</summary>
    public int Count => Labels.Count;

    /// <summary>One group per token position of prompts <paramref name="positions"/> tokens long.</summary>
    public static GraphPositions All(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        return new GraphPositions(PositionMode.All, Enumerable.Range(0, positions).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The word labels <paramref name="labels"/> (duplicates collapse, in first-seen order), then <see cref="Other"/>.</summary>
    public static GraphPositions OfLabels(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var distinct = labels.Where(l => l != Other).Distinct(StringComparer.Ordinal).Append(Other).ToArray();
        return new GraphPositions(PositionMode.Labels, distinct);
    }

    /// <summary>Parses a mode name (<c>none</c>, <c>all</c>, <c>labels</c>); null when it is none of them.</summary>
    public static PositionMode? ParseMode(string? name) => name switch
    {
        "none" => PositionMode.None,
        "all" => PositionMode.All,
        "labels" => PositionMode.Labels,
        _ => null,
    };

    /// <summary>The mode's name as files and the command line spell it.</summary>
    public static string Name(PositionMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Whether <paramref name="label"/> has a label's syntax (letters, digits, underscores; not empty).</summary>
    public static bool IsLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty)
        {
            return false;
        }

        foreach (char c in label)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The group index of <paramref name="label"/>, or -1.</summary>
    public int IndexOf(string? label) => label is not null && _index.TryGetValue(label, out int i) ? i : -1;

    /// <inheritdoc />
    public bool Equals(GraphPositions? other) => other is not null && Mode == other.Mode && Labels.SequenceEqual(other.Labels, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GraphPositions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, Count, Labels.Count > 0 ? Labels[^1] : string.Empty);

    /// <summary>For messages: <c>labels IO, S1, S2, end, other</c> or <c>positions 0..15</c>.</summary>
    public override string ToString() => Mode == PositionMode.All ? $"positions 0..{Count - 1}" : "labels " + string.Join(", ", Labels);
}
