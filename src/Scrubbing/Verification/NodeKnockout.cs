using CircuitFinder.Graph;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// The metric with a set of nodes knocked out (every edge carrying their output ablated: at neuron level an MLP's are
/// its neurons'), either inside a circuit (everything
/// outside the circuit ablated too: F(C \ K)) or in the whole model (F(M \ K)). Results are cached by node set, and
/// a list of requests runs as one batch of edge sets.
/// </summary>
public sealed class NodeKnockout
{
    private readonly CircuitEvaluator _evaluator;
    private readonly Circuit _circuit;
    private readonly Dictionary<string, double> _cache = new(StringComparer.Ordinal);

    public NodeKnockout(CircuitEvaluator evaluator, Circuit circuit)
    {
        _evaluator = evaluator;
        _circuit = circuit;
    }

    /// <summary>The metric with each request's nodes knocked out, in the circuit (<c>InCircuit</c>) or in the model.</summary>
    public double[] Metric(IReadOnlyList<(IReadOnlyCollection<Node> Nodes, bool InCircuit)> requests)
    {
        var graph = _evaluator.Graph;
        var keys = requests.Select(r => Key(r.Nodes, r.InCircuit)).ToArray();
        var missing = keys.Select((k, i) => (k, i)).Where(x => !_cache.ContainsKey(x.k)).GroupBy(x => x.k).Select(g => g.First().i).ToList();
        var sets = missing.Select(i =>
        {
            var removed = requests[i].Nodes.SelectMany(graph.OutputEdges);
            var ablated = requests[i].InCircuit ? graph.Edges.Where(e => !_circuit.Contains(e)).Concat(removed) : removed;
            return (IReadOnlyCollection<Edge>)ablated.Distinct().ToList();
        }).ToList();
        var values = _evaluator.MetricWithAblated(sets);
        for (int j = 0; j < missing.Count; j++)
        {
            _cache[keys[missing[j]]] = values[j];
        }

        return keys.Select(k => _cache[k]).ToArray();
    }

    private static string Key(IReadOnlyCollection<Node> nodes, bool inCircuit) =>
        (inCircuit ? "C|" : "M|") + string.Join(',', nodes.Select(n => n.Id).OrderBy(s => s, StringComparer.Ordinal));
}
