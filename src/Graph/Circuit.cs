using System.Collections.ObjectModel;
using QuikGraph;

namespace CircuitFinder.Graph;

/// <summary>
/// A circuit: an immutable set of edges with value equality (two circuits are equal when they hold the same edges,
/// in whatever order they were given). Everything that needs an order takes the <see cref="ComputeGraph"/>.
/// </summary>
public sealed class Circuit : IEquatable<Circuit>
{
    private readonly HashSet<Edge> _edges;
    private readonly int _hash;

    /// <summary>Creates the circuit holding <paramref name="edges"/> (duplicates collapse).</summary>
    public Circuit(IEnumerable<Edge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        _edges = new HashSet<Edge>(edges is IReadOnlyCollection<Edge> sized ? sized.Count : 0);
        foreach (var edge in edges)
        {
            ArgumentNullException.ThrowIfNull(edge, nameof(edges));
            _edges.Add(edge);
        }

        Edges = new ReadOnlySet<Edge>(_edges);
        // Order-independent: a sum of the edges' hashes.
        int hash = 0;
        foreach (var edge in _edges)
        {
            hash = unchecked(hash + edge.GetHashCode());
        }

        _hash = hash;
    }

    /// <summary>The circuit with no edges.</summary>
    public static Circuit Empty { get; } = new([]);

    /// <summary>The edges.</summary>
    public IReadOnlySet<Edge> Edges { get; }

    /// <summary>How many edges.</summary>
    public int Count => _edges.Count;

    /// <summary>Equal circuits hold the same edges.</summary>
    public static bool operator ==(Circuit? left, Circuit? right) => Equals(left, right);

    /// <summary>Circuits differ when their edge sets differ.</summary>
    public static bool operator !=(Circuit? left, Circuit? right) => !Equals(left, right);

    /// <summary>Every edge of <paramref name="graph"/>.</summary>
    public static Circuit Full(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new Circuit(graph.Edges);
    }

    /// <summary>
    /// The <paramref name="k"/> edges of <paramref name="graph"/> with the highest score (or |score|). Ties go to the
    /// edge earlier in graph order; edges without a score and NaN scores are never chosen.
    /// </summary>
    public static Circuit TopK(
        ComputeGraph graph, IReadOnlyDictionary<Edge, double> scores, int k, bool byAbsoluteValue = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var ranked = Scored(graph, scores, byAbsoluteValue).ToArray();
        // highest first, ties by graph order: one array sort (a neuron-level graph has millions of edges)
        Array.Sort(ranked, static (a, b) => a.Key != b.Key ? b.Key.CompareTo(a.Key) : a.Index.CompareTo(b.Index));
        return new Circuit(ranked.Take(k).Select(s => graph.Edges[s.Index]).ToList());
    }

    /// <summary>
    /// The edges of <paramref name="graph"/> whose score (or |score|) is at least <paramref name="threshold"/>; edges
    /// without a score and NaN scores are never chosen.
    /// </summary>
    public static Circuit Threshold(
        ComputeGraph graph, IReadOnlyDictionary<Edge, double> scores, double threshold, bool byAbsoluteValue = true)
    {
        var kept = Scored(graph, scores, byAbsoluteValue).Where(s => s.Key >= threshold);
        return new Circuit(kept.Select(s => graph.Edges[s.Index]));
    }

    /// <summary>Whether the circuit holds <paramref name="e"/>.</summary>
    public bool Contains(Edge e) => e is not null && _edges.Contains(e);

    /// <summary>The nodes touched by an edge of the circuit, in graph order.</summary>
    public IReadOnlyList<Node> Nodes(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        RequireIn(graph);
        var touched = new HashSet<Node>();
        foreach (var edge in _edges)
        {
            touched.Add(edge.Source);
            touched.Add(edge.Destination);
        }

        return touched.OrderBy(graph.IndexOf).ToArray().AsReadOnly();
    }

    /// <summary>The edges in graph order.</summary>
    public IReadOnlyList<Edge> Ordered(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        RequireIn(graph);
        return _edges.OrderBy(graph.IndexOf).ToArray().AsReadOnly();
    }

    /// <summary>Edges in either circuit.</summary>
    public Circuit Union(Circuit other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Circuit(_edges.Concat(other._edges));
    }

    /// <summary>Edges in both circuits.</summary>
    public Circuit Intersect(Circuit other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Circuit(_edges.Where(other._edges.Contains));
    }

    /// <summary>Edges in this circuit and not in <paramref name="other"/>.</summary>
    public Circuit Except(Circuit other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Circuit(_edges.Where(e => !other._edges.Contains(e)));
    }

    /// <summary>
    /// Keeps only edges on some path from <c>input</c> to <c>logits</c> inside the circuit: a node is alive when it is
    /// reachable from <c>input</c> and reaches <c>logits</c> through circuit edges, and every edge touching a dead node
    /// is dropped. Idempotent.
    /// </summary>
    public Circuit Prune(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        RequireIn(graph);
        var alive = Reachability.OnInputToLogitsPaths(graph, _edges);
        var kept = _edges.Where(e => alive.Contains(e.Source) && alive.Contains(e.Destination)).ToList();
        return kept.Count == _edges.Count ? this : new Circuit(kept);
    }

    /// <summary>The circuit as a QuikGraph bidirectional graph over the nodes it touches, edges tagged.</summary>
    public BidirectionalGraph<Node, TaggedEdge<Node, Edge>> ToQuikGraph(ComputeGraph graph) =>
        Reachability.ToQuikGraph(Nodes(graph), Ordered(graph));

    /// <inheritdoc />
    public bool Equals(Circuit? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (_hash == other._hash && _edges.Count == other._edges.Count && _edges.SetEquals(other._edges)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Circuit);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <inheritdoc />
    public override string ToString() => $"Circuit({Count} edges)";

    private static IEnumerable<(double Key, int Index)> Scored(
        ComputeGraph graph, IReadOnlyDictionary<Edge, double> scores, bool byAbsoluteValue)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(scores);
        var scored = new List<(double Key, int Index)>(scores.Count);
        var edges = graph.Edges;
        int next = 0;
        foreach (var (edge, score) in scores)
        {
            // scores made from the graph list its own edges in its order (a dictionary filled in that order), which
            // spares a lookup per edge; anything else is looked up
            int index = next < edges.Count && ReferenceEquals(edges[next], edge) ? next : graph.IndexOf(edge);
            next = index + 1;
            if (index < 0)
            {
                throw new ArgumentException($"Scored edge {edge?.Id ?? "null"} is not in {graph.Describe()}.", nameof(scores));
            }

            if (!double.IsNaN(score))
            {
                scored.Add((byAbsoluteValue ? Math.Abs(score) : score, index));
            }
        }

        return scored;
    }

    private void RequireIn(ComputeGraph graph)
    {
        foreach (var edge in _edges)
        {
            if (!graph.Contains(edge))
            {
                throw new ArgumentException($"Circuit edge {edge.Id} is not in {graph.Describe()}.", nameof(graph));
            }
        }
    }
}
