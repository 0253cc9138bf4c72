using CircuitFinder.Graph;
using CircuitFinder.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The corrections of ablated neuron edges in an edge-masked run at neuron level, from the MLPs' post-activations
/// rather than from a d_model vector per neuron: for the neurons A of layer l whose edges into one destination input
/// are ablated, Σ_{n∈A} (x_n − x̃_n) = (post − p̃ost)[…, A] · W_out[A] (under sandwich norms
/// ((post[…, A] · W_out[A] + |A| b_out / d_mlp) ⊙ gain minus the same of the ablated values). One product per
/// destination input and layer, over A or, when A holds most of the layer, over the rest (subtracted from the whole
/// layer's sum, made once per variant).
/// </summary>
internal sealed class NeuronDeltas : IDisposable
{
    private readonly HookedTransformer _model;
    private readonly SourceOutputs _ablated;
    private readonly GraphLayout _layout;
    private readonly PositionRows? _positions;
    private readonly int _variants;
    private readonly Tensor?[] _post; // per layer, this run's post-activations [V, b, p, m]
    private readonly Tensor?[] _gain; // per layer, this run's post-MLP gain [V, b, p, d] (sandwich norms)
    private readonly Dictionary<(int Layer, int Variant), Tensor> _whole = new();

    public NeuronDeltas(HookedTransformer model, GraphLayout layout, SourceOutputs ablated, int variants, PositionRows? positions)
    {
        _model = model;
        _layout = layout;
        _ablated = ablated.Post is null ? throw new ArgumentException("neuron-level patching needs the ablated post-activations") : ablated;
        _variants = variants;
        _positions = positions;
        _post = new Tensor?[model.Config.NLayers];
        _gain = new Tensor?[model.Config.NLayers];
    }

    /// <summary>
    /// Layer <paramref name="layer"/>'s post-activations in this run, <c>[V·b, p, m]</c> or <c>[V, b, p, m]</c>, and its
    /// gain (sandwich norms): views kept, out of every dispose scope, until <see cref="Dispose"/>.
    /// </summary>
    public void Set(int layer, Tensor post, Tensor? gain)
    {
        long m = post.shape[^1], p = post.shape[^2], b = _ablated.Post!.shape[1];
        _post[layer] = post.view(_variants, b, p, m).DetachFromDisposeScope();
        _gain[layer] = gain?.view(_variants, b, p, gain.shape[^1]).DetachFromDisposeScope();
    }

    /// <summary>Whether layer <paramref name="layer"/>'s post-activations of this run are known.</summary>
    public bool Has(int layer) => _post[layer] is not null;

    /// <summary>
    /// Σ over <paramref name="edges"/> (ablated edges from neurons into one destination input) of x_n − x̃_n in variant
    /// <paramref name="variant"/>, each restricted to its position group's rows: a new <c>[b, p, d]</c> tensor, or null
    /// for no edges.
    /// </summary>
    public Tensor? Sum(int variant, IEnumerable<Edge> edges)
    {
        Tensor? total = null;
        foreach (var group in edges.GroupBy(e => (e.Source.Layer, Group: _layout.PositionGroup(e))))
        {
            var neurons = group.Select(e => e.Source.Index).ToArray(); // the run's entries are distinct and in graph order: ascending
            var part = LayerSum(group.Key.Layer, variant, neurons);
            part = _positions is null ? part : _positions.Restrict(part, group.Key.Group);
            total = total is null ? part.clone() : total.add_(part);
        }

        return total;
    }

    /// <summary>
    /// The summed corrections of ablated edges from neurons, <c>[b, p, d]</c> per (variant, destination slot that
    /// <paramref name="slotOf"/> gives); empty without such edges (and then <paramref name="neurons"/> may be null).
    /// </summary>
    public static Dictionary<(int Variant, int Slot), Tensor> Corrections(NeuronDeltas? neurons, List<(int Variant, Edge Edge)> entries, Func<(int Variant, Edge Edge), int> slotOf)
    {
        var corrections = new Dictionary<(int Variant, int Slot), Tensor>();
        foreach (var group in entries.GroupBy(x => (x.Variant, Slot: slotOf(x))))
        {
            corrections[group.Key] = neurons!.Sum(group.Key.Variant, group.Select(x => x.Edge))!;
        }

        return corrections;
    }

    /// <summary>Σ_{n ∈ <paramref name="neurons"/>} x_n − x̃_n of layer <paramref name="layer"/> in one variant, <c>[b, p, d]</c> (may be shared: not to be changed).</summary>
    private Tensor LayerSum(int layer, int variant, int[] neurons)
    {
        int m = _model.Config.DMlp;
        if (neurons.Length == m)
        {
            return Whole(layer, variant);
        }

        if (2 * neurons.Length <= m)
        {
            return Through(layer, variant, neurons);
        }

        var rest = Enumerable.Range(0, m).Except(neurons).ToArray();
        return Whole(layer, variant) - Through(layer, variant, rest);
    }

    private Tensor Whole(int layer, int variant)
    {
        if (!_whole.TryGetValue((layer, variant), out var whole))
        {
            whole = Through(layer, variant, null).DetachFromDisposeScope();
            _whole[(layer, variant)] = whole;
        }

        return whole;
    }

    /// <summary>Σ over <paramref name="neurons"/> (null: all) of x_n − x̃_n, <c>[b, p, d]</c>.</summary>
    private Tensor Through(int layer, int variant, int[]? neurons)
    {
        var post = _post[layer]?[variant] ?? throw new InvalidOperationException($"layer {layer}'s neurons are read before the MLP ran");
        var ablated = _ablated.Post![layer]; // [b, p, m]
        var mlp = _model.Blocks[layer].MlpModule!;
        var w = mlp.W_out; // [m, d]
        double share = (double)(neurons?.Length ?? _model.Config.DMlp) / _model.Config.DMlp;
        if (neurons is not null)
        {
            var index = tensor(neurons.Select(n => (long)n).ToArray(), device: post.device);
            w = w.index_select(0, index); // [k, d]
            post = post.index_select(2, index); // [b, p, k]
            ablated = ablated.index_select(2, index);
        }

        if (_gain[layer] is not { } gain)
        {
            return matmul(post - ablated, w); // [b, p, d]
        }

        using var bias = share.ToScalar();
        var biasShare = mlp.b_out.mul(bias); // [d]: the share of b_out the neurons carry
        return matmul(post, w).add_(biasShare).mul_(gain[variant]).sub_(matmul(ablated, w).add_(biasShare).mul_(_ablated.Gain![layer]));
    }

    public void Dispose()
    {
        foreach (var t in _post.Concat(_gain).Concat(_whole.Values))
        {
            t?.Dispose();
        }

        _whole.Clear();
    }
}
