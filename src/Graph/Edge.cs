namespace CircuitFinder.Graph;

/// <summary>
/// An edge of the computational graph: <paramref name="Source"/>'s output is part of <paramref name="Destination"/>'s
/// input. <paramref name="Input"/> names the q/k/v input of a head at <see cref="GraphLevel.Qkv"/> and
/// <see cref="GraphLevel.Neuron"/> level, and is null otherwise (always null into MLPs and logits).
/// <see cref="Position"/> names the destination's position group in a positional graph (<c>@S2</c>, <c>@7</c>), and is
/// null otherwise.
/// </summary>
public sealed record Edge(Node Source, Node Destination, QkvInput? Input)
{
    /// <summary>The edge restricted to the destination rows of position group <paramref name="position"/> (null: all positions).</summary>
    public Edge(Node source, Node destination, QkvInput? input, string? position)
        : this(source, destination, input)
    {
        if (position is not null && !GraphPositions.IsLabel(position))
        {
            throw new ArgumentException($"position label '{position}' must be letters, digits and underscores", nameof(position));
        }

        Position = position;
    }

    /// <summary>The node whose output the edge carries; never <c>logits</c>.</summary>
    public Node Source { get; } = Checked(Source, Destination, Input);

    /// <summary>The node whose input the edge feeds; never <c>input</c>.</summary>
    public Node Destination { get; } = Destination;

    /// <summary>The attention-head input fed, or null.</summary>
    public QkvInput? Input { get; } = Input;

    /// <summary>The destination's position group in a positional graph (<c>S2</c>, <c>end</c>, <c>7</c>), or null.</summary>
    public string? Position { get; init; }

    /// <summary>
    /// The EAP-IG / MIB id: <c>a0.h3-&gt;a2.h1&lt;k&gt;</c>, <c>input-&gt;a0.h0&lt;q&gt;</c>, <c>m3-&gt;logits</c>; in a
    /// positional graph followed by <c>@</c> and the position group: <c>a0.h3-&gt;a2.h1&lt;k&gt;@S2</c>.
    /// </summary>
    public string Id => Source.Id + "->" + Destination.Id + Suffix(Input) + (Position is null ? string.Empty : "@" + Position);

    /// <summary>The name shown to people: <c>L0H3 → L2H1 (k)</c>, <c>L0H3 → L2H1 (k) @S2</c>.</summary>
    public string DisplayName => Source.DisplayName + " → " + Destination.DisplayName
        + (Input is { } input ? " (" + Letter(input) + ")" : string.Empty)
        + (Position is null ? string.Empty : " @" + Position);

    /// <summary>The same edge over all positions (itself when it has no position).</summary>
    public Edge AllPositions => Position is null ? this : new Edge(Source, Destination, Input);

    /// <inheritdoc />
    public override string ToString() => Id;

    /// <summary>Edges are equal when source, destination, input and position are (field by field: graphs hash millions of edges).</summary>
    public bool Equals(Edge? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Input == other.Input && Source.Equals(other.Source) && Destination.Equals(other.Destination)
            && string.Equals(Position, other.Position, StringComparison.Ordinal));

    /// <inheritdoc />
    public override int GetHashCode() => unchecked((int)StableHash.Mix(
        (((ulong)(uint)Source.GetHashCode() << 32) | (uint)Destination.GetHashCode())
        ^ StableHash.Mix((ulong)(Input is { } i ? (int)i + 1 : 0) ^ (Position is null ? 0 : StableHash.Of(Position)))));

    /// <summary>The id suffix of an input: <c>&lt;q&gt;</c>, <c>&lt;k&gt;</c>, <c>&lt;v&gt;</c>, or empty for null.</summary>
    internal static string Suffix(QkvInput? input) => input is { } i ? "<" + Letter(i) + ">" : string.Empty;

    private static string Letter(QkvInput input) => input switch
    {
        QkvInput.Q => "q",
        QkvInput.K => "k",
        QkvInput.V => "v",
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not a q/k/v input."),
    };

    private static Node Checked(Node source, Node destination, QkvInput? input)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Kind == NodeKind.Logits)
        {
            throw new ArgumentException("logits has no outgoing edges.", nameof(source));
        }

        if (destination.Kind == NodeKind.Input)
        {
            throw new ArgumentException("input has no incoming edges.", nameof(destination));
        }

        if (input is { } i && (!destination.IsHead || !Enum.IsDefined(i)))
        {
            throw new ArgumentException(
                $"Only an edge into an attention head names a q/k/v input; {destination.Id} got {i}.", nameof(input));
        }

        return source;
    }
}
