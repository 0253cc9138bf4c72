using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CircuitFinder.Graph;

/// <summary>
/// The one place that parses node and edge ids (EAP-IG / MIB syntax): nodes <c>input</c>, <c>a{l}.h{h}</c>,
/// <c>m{l}</c>, <c>m{l}.n{i}</c>, <c>logits</c>; edges <c>{src}-&gt;{dst}</c>, with <c>&lt;q&gt;</c>,
/// <c>&lt;k&gt;</c> or <c>&lt;v&gt;</c> after a head destination, and in a positional graph <c>@{position}</c> last
/// (<c>a0.h3-&gt;a2.h1&lt;k&gt;@S2</c>, <c>a5.h1-&gt;logits@end</c>, <c>m0-&gt;a1.h0&lt;q&gt;@7</c>). Numbers are plain decimal without sign or leading
/// zeros, so every id has exactly one spelling. These methods check syntax only; <see cref="ComputeGraph.ParseNode"/>
/// and <see cref="ComputeGraph.ParseEdge"/> also check membership in a graph.
/// </summary>
public static class GraphIds
{
    private const string NodeSyntax = "expected input, logits, a{layer}.h{head}, m{layer} or m{layer}.n{neuron}";

    /// <summary>Parses a node id; throws <see cref="GraphIdException"/> naming the id when it is malformed.</summary>
    public static Node ParseNode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return TryParseNode(id, out var node, out string? reason) ? node : throw new GraphIdException(id, reason);
    }

    /// <summary>Parses an edge id; throws <see cref="GraphIdException"/> naming the id when it is malformed.</summary>
    public static Edge ParseEdge(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return TryParseEdge(id, out var edge, out string? reason) ? edge : throw new GraphIdException(id, reason);
    }

    /// <summary>Parses a node id, returning false when it is malformed (or null).</summary>
    public static bool TryParseNode(string id, [NotNullWhen(true)] out Node? node) => TryParseNode(id, out node, out _);

    /// <summary>Parses an edge id, returning false when it is malformed (or null).</summary>
    public static bool TryParseEdge(string id, [NotNullWhen(true)] out Edge? edge) => TryParseEdge(id, out edge, out _);

    internal static bool TryParseNode(
        string? id, [NotNullWhen(true)] out Node? node, [NotNullWhen(false)] out string? reason)
    {
        node = null;
        reason = null;
        if (id is null)
        {
            reason = "a node id cannot be null";
            return false;
        }

        node = ParseNodeSpan(id.AsSpan(), out reason);
        return node is not null;
    }

    internal static bool TryParseEdge(
        string? id, [NotNullWhen(true)] out Edge? edge, [NotNullWhen(false)] out string? reason)
    {
        edge = null;
        if (id is null)
        {
            reason = "an edge id cannot be null";
            return false;
        }

        var span = id.AsSpan();
        int arrow = span.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0)
        {
            reason = "not an edge id: expected {source}->{destination}, with <q>, <k> or <v> after a head destination";
            return false;
        }

        var sourceText = span[..arrow];
        var rest = span[(arrow + 2)..];
        if (rest.Contains("->", StringComparison.Ordinal))
        {
            reason = "an edge id has exactly one '->'";
            return false;
        }

        string? position = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            var label = rest[(at + 1)..];
            if (!GraphPositions.IsLabel(label))
            {
                reason = $"'@{label}' is not a position: expected @ and a label of letters, digits and underscores (@S2, @end, @7)";
                return false;
            }

            position = label.ToString();
            rest = rest[..at];
        }

        QkvInput? input = null;
        int open = rest.IndexOf('<');
        if (open >= 0)
        {
            var tag = rest[open..];
            input = tag switch
            {
                "<q>" => QkvInput.Q,
                "<k>" => QkvInput.K,
                "<v>" => QkvInput.V,
                _ => null,
            };
            if (input is null)
            {
                reason = $"'{tag}' is not an input: expected <q>, <k> or <v>";
                return false;
            }

            rest = rest[..open];
        }

        var source = ParseNodeSpan(sourceText, out string? sourceReason);
        if (source is null)
        {
            reason = $"bad source '{sourceText}': {sourceReason}";
            return false;
        }

        var destination = ParseNodeSpan(rest, out string? destinationReason);
        if (destination is null)
        {
            reason = $"bad destination '{rest}': {destinationReason}";
            return false;
        }

        if (source.Kind == NodeKind.Logits)
        {
            reason = "logits has no outgoing edges";
            return false;
        }

        if (destination.Kind == NodeKind.Input)
        {
            reason = "input has no incoming edges";
            return false;
        }

        if (input is not null && !destination.IsHead)
        {
            reason = $"only an edge into an attention head names an input; {destination.Id} is not a head";
            return false;
        }

        edge = new Edge(source, destination, input, position);
        reason = null;
        return true;
    }

    private static Node? ParseNodeSpan(ReadOnlySpan<char> s, out string? reason)
    {
        reason = null;
        if (s.SequenceEqual("input"))
        {
            return Node.Input;
        }

        if (s.SequenceEqual("logits"))
        {
            return Node.Logits;
        }

        if (s.IsEmpty)
        {
            reason = "empty node id; " + NodeSyntax;
            return null;
        }

        char kind = s[0];
        var body = s[1..];
        int dot = body.IndexOf('.');
        var layerText = dot < 0 ? body : body[..dot];
        if (kind is not ('a' or 'm') || !TryParseNumber(layerText, out int layer) || layer == int.MaxValue)
        {
            reason = NodeSyntax;
            return null;
        }

        if (dot < 0)
        {
            if (kind == 'm')
            {
                return Node.Mlp(layer);
            }

            reason = "a head id names its head: a{layer}.h{head}";
            return null;
        }

        var tail = body[(dot + 1)..];
        char expected = kind == 'a' ? 'h' : 'n';
        if (tail.IsEmpty || tail[0] != expected || !TryParseNumber(tail[1..], out int index))
        {
            reason = NodeSyntax;
            return null;
        }

        return kind == 'a' ? Node.Head(layer, index) : Node.Neuron(layer, index);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
