namespace CircuitFinder.Model.Config;

/// <summary>
/// Each layer's <see cref="AttentionType"/> (TransformerLens' <c>attn_types</c>), with value equality so that configs
/// holding it still compare by value.
/// </summary>
public sealed record AttentionLayerTypes(IReadOnlyList<AttentionType> Layers)
{
    /// <summary>Whether any layer attends locally.</summary>
    public bool AnyLocal => Layers.Contains(AttentionType.Local);

    public bool Equals(AttentionLayerTypes? other) => other is not null && Layers.SequenceEqual(other.Layers);

    public override int GetHashCode() => Layers.Aggregate(17, (hash, t) => (hash * 31) + (int)t);

    /// <summary>TransformerLens' spelling: <c>global</c> or <c>local</c>.</summary>
    public static string Format(AttentionType type) => type == AttentionType.Local ? "local" : "global";

    /// <summary>Parses <c>global</c> / <c>local</c>; <paramref name="where"/> names the file and field for errors.</summary>
    public static AttentionType Parse(string? name, string where) => name switch
    {
        "global" => AttentionType.Global,
        "local" => AttentionType.Local,
        _ => throw new BadInputException($"{where}: unknown attention type '{name}' (expected global or local)"),
    };
}
