using System.Globalization;

namespace CircuitFinder.Graph;

/// <summary>
/// A node of the computational graph. <paramref name="Index"/> is the head or neuron index, -1 otherwise;
/// <paramref name="Layer"/> is -1 for <c>input</c> and <see cref="int.MaxValue"/> for <c>logits</c>.
/// </summary>
public sealed record Node(NodeKind Kind, int Layer, int Index)
{
    /// <summary>The kind of node; the constructor checks that layer and index fit it.</summary>
    public NodeKind Kind { get; } = Checked(Kind, Layer, Index);

    /// <summary>The layer: -1 for input, <see cref="int.MaxValue"/> for logits.</summary>
    public int Layer { get; } = Layer;

    /// <summary>The head or neuron index, -1 for input, MLPs and logits.</summary>
    public int Index { get; } = Index;

    /// <summary>Token plus position embeddings.</summary>
    public static Node Input { get; } = new(NodeKind.Input, -1, -1);

    /// <summary>The input of the unembedding.</summary>
    public static Node Logits { get; } = new(NodeKind.Logits, int.MaxValue, -1);

    /// <summary>Attention head <paramref name="head"/> of layer <paramref name="layer"/> (<c>a{layer}.h{head}</c>).</summary>
    public static Node Head(int layer, int head) => new(NodeKind.AttentionHead, layer, head);

    /// <summary>The MLP of layer <paramref name="layer"/> (<c>m{layer}</c>).</summary>
    public static Node Mlp(int layer) => new(NodeKind.Mlp, layer, -1);

    /// <summary>Neuron <paramref name="index"/> of the MLP of layer <paramref name="layer"/> (<c>m{layer}.n{index}</c>).</summary>
    public static Node Neuron(int layer, int index) => new(NodeKind.Neuron, layer, index);

    /// <summary>The EAP-IG / MIB id: <c>input</c>, <c>a2.h1</c>, <c>m3</c>, <c>m3.n17</c>, <c>logits</c>.</summary>
    public string Id => Kind switch
    {
        NodeKind.Input => "input",
        NodeKind.AttentionHead => string.Create(CultureInfo.InvariantCulture, $"a{Layer}.h{Index}"),
        NodeKind.Mlp => string.Create(CultureInfo.InvariantCulture, $"m{Layer}"),
        NodeKind.Neuron => string.Create(CultureInfo.InvariantCulture, $"m{Layer}.n{Index}"),
        _ => "logits",
    };

    /// <summary>The name shown to people: <c>input</c>, <c>L2H1</c>, <c>MLP3</c>, <c>MLP3 N17</c>, <c>logits</c>.</summary>
    public string DisplayName => Kind switch
    {
        NodeKind.Input => "input",
        NodeKind.AttentionHead => string.Create(CultureInfo.InvariantCulture, $"L{Layer}H{Index}"),
        NodeKind.Mlp => string.Create(CultureInfo.InvariantCulture, $"MLP{Layer}"),
        NodeKind.Neuron => string.Create(CultureInfo.InvariantCulture, $"MLP{Layer} N{Index}"),
        _ => "logits",
    };

    /// <summary>Whether the node is an attention head, the only kind whose incoming edges may name a q/k/v input.</summary>
    public bool IsHead => Kind == NodeKind.AttentionHead;

    /// <summary>Whether the node is an MLP or an MLP neuron.</summary>
    public bool IsMlp => Kind is NodeKind.Mlp or NodeKind.Neuron;

    /// <inheritdoc />
    public override string ToString() => Id;

    /// <summary>Nodes are equal when kind, layer and index are (compared field by field: graphs hash millions of edges).</summary>
    public bool Equals(Node? other) =>
        ReferenceEquals(this, other) || (other is not null && Kind == other.Kind && Layer == other.Layer && Index == other.Index);

    /// <inheritdoc />
    public override int GetHashCode() =>
        unchecked((int)StableHash.Mix((((ulong)(uint)Layer << 32) | (uint)Index) ^ ((ulong)Kind * 0x9E3779B97F4A7C15UL)));

    private static NodeKind Checked(NodeKind kind, int layer, int index)
    {
        bool ok = kind switch
        {
            NodeKind.Input => layer == -1 && index == -1,
            NodeKind.Logits => layer == int.MaxValue && index == -1,
            NodeKind.AttentionHead or NodeKind.Neuron => layer is >= 0 and < int.MaxValue && index >= 0,
            NodeKind.Mlp => layer is >= 0 and < int.MaxValue && index == -1,
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(
                nameof(layer),
                $"No {kind} node has layer {layer} and index {index} (input: -1, -1; logits: int.MaxValue, -1; "
                + "heads and neurons: layer >= 0, index >= 0; MLPs: layer >= 0, index -1).");
        }

        return kind;
    }
}
