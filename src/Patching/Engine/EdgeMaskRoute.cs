using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Routing;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The route of an edge-masked run (the patching contract): every destination reads
/// <c>resid − Σ_{ablated (s, d)} (x_s − x̃_s)</c>, for <c>V</c> edge sets at once along the batch. Heads whose inputs
/// differ are recomputed — on per-head inputs for the whole batch (one batched product over heads) when most of a
/// layer's heads are (head-major, so the dense correction's rows are read in place), else one by one beside the batched heads; each source's delta x_s − x̃_s is kept as it is
/// computed. At neuron level the ablated edges from neurons are corrected from the MLPs' post-activations
/// (<see cref="NeuronDeltas"/>), one product per destination input and layer. No hook fires.
/// </summary>
internal sealed class EdgeMaskRoute : IResidualRoute
{
    private readonly HookedTransformer _model;
    private readonly GraphLayout _layout;
    private readonly SourceDeltas _deltas;
    private readonly Tensor _ablated;
    private readonly HashSet<int> _needed;
    private readonly int _variants;
    private readonly long _b;
    private readonly long _p;
    private readonly long _d;
    private readonly List<(int Variant, Edge Edge)>[] _heads; // per layer
    private readonly List<(int Variant, Edge Edge)>[] _mlps; // per layer
    private readonly List<(int Variant, Edge Edge)> _logits;
    private readonly List<(int Variant, Edge Edge)>[] _neuronHeads; // per layer, the ablated edges from neurons
    private readonly List<(int Variant, Edge Edge)>[] _neuronMlps;
    private readonly List<(int Variant, Edge Edge)> _neuronLogits;
    private readonly HashSet<int> _neuronLayers; // layers whose neurons some ablated edge leaves
    private readonly NeuronDeltas? _neurons;
    private readonly RecordRoute? _recorder;
    private readonly Tensor? _readPositions; // [b]: the unembedding reads only these positions (null: every position)
    private readonly PositionRows? _positions; // a positional graph's row groups (null: edges span all positions)
    private (int Layer, Tensor Correction)? _mlpBelow; // set by AttentionInput, read by MlpInput of the same layer

    /// <summary>
    /// Also records the run (one variant) into <paramref name="recorder"/>, as a clean run is recorded. With
    /// <paramref name="readPositions"/> <c>[b]</c> (on the model's device), the final input is the stream at those positions only.
    /// </summary>
    public EdgeMaskRoute(
        HookedTransformer model,
        GraphLayout layout,
        IReadOnlyList<(int Variant, Edge Edge)> entries,
        SourceDeltas deltas,
        Tensor ablated,
        int variants,
        long b,
        long p,
        RecordRoute? recorder = null,
        Tensor? readPositions = null,
        PositionRows? positions = null,
        NeuronDeltas? neurons = null)
    {
        _neurons = neurons;
        _positions = positions;
        _recorder = recorder;
        _readPositions = readPositions?.to(ScalarType.Int64);
        _model = model;
        _layout = layout;
        _deltas = deltas;
        _ablated = ablated;
        _variants = variants;
        _b = b;
        _p = p;
        _d = model.Config.DModel;
        _needed = entries.Where(x => x.Edge.Source.Kind != NodeKind.Neuron).Select(x => layout.SourceIndex(x.Edge.Source)).ToHashSet();
        _neuronLayers = entries.Where(x => x.Edge.Source.Kind == NodeKind.Neuron).Select(x => x.Edge.Source.Layer).ToHashSet();
        if (_neuronLayers.Count > 0 && neurons is null)
        {
            throw new ArgumentException("ablated edges from neurons need the run's neuron deltas");
        }

        int layers = model.Config.NLayers;
        _heads = Enumerable.Range(0, layers).Select(_ => new List<(int, Edge)>()).ToArray();
        _mlps = Enumerable.Range(0, layers).Select(_ => new List<(int, Edge)>()).ToArray();
        _logits = [];
        _neuronHeads = Enumerable.Range(0, layers).Select(_ => new List<(int, Edge)>()).ToArray();
        _neuronMlps = Enumerable.Range(0, layers).Select(_ => new List<(int, Edge)>()).ToArray();
        _neuronLogits = [];
        foreach (var entry in entries)
        {
            var destination = entry.Edge.Destination;
            bool neuron = entry.Edge.Source.Kind == NodeKind.Neuron;
            var list = destination.Kind switch
            {
                NodeKind.Logits => neuron ? _neuronLogits : _logits,
                NodeKind.AttentionHead => (neuron ? _neuronHeads : _heads)[destination.Layer],
                _ => (neuron ? _neuronMlps : _mlps)[destination.Layer],
            };
            list.Add(entry);
        }
    }

    public bool FiresHooks => false;

    /// <summary>The final residual stream before the corrections of edges into the logits (set by <see cref="FinalInput"/>).</summary>
    public Tensor? RawFinal { get; private set; }



    public AttentionInput AttentionInput(int layer, Tensor residPre)
    {
        _recorder?.AttentionInput(layer, residPre);
        var entries = _heads[layer];
        var neuronEntries = _neuronHeads[layer];
        if (entries.Count == 0 && neuronEntries.Count == 0)
        {
            return Model.Routing.AttentionInput.Of(residPre);
        }

        int heads = _model.Config.NHeads, channels = _layout.Channels, slots = channels * heads;
        var triples = entries.Select(x => (x.Variant, Slot(x.Edge), _layout.SourceIndex(x.Edge.Source), _layout.PositionGroup(x.Edge))).ToList();
        var pairs = entries.Concat(neuronEntries).Select(x => (x.Variant, x.Edge.Destination.Index)).Distinct().OrderBy(x => x).ToList();
        var fromNeurons = NeuronDeltas.Corrections(_neurons, neuronEntries, x => Slot(x.Edge)); // per (variant, slot)
        var residV = residPre.view(_variants, _b, _p, _d);
        // the MLP's corrections from sources below this layer ride along as one more slot (no residual), so the MLP
        // reads the buffer only for this layer's heads (MlpInput)
        int firstHead = _layout.SourceIndex(Node.Head(layer, 0));
        var mlpBelow = _mlps[layer].Select(x => (x.Variant, slots, _layout.SourceIndex(x.Edge.Source), _layout.PositionGroup(x.Edge))).Where(x => x.Item3 < firstHead).ToList();
        var all = mlpBelow.Count == 0 ? triples : triples.Concat(mlpBelow).ToList();
        int allSlots = slots + (mlpBelow.Count == 0 ? 0 : 1);
        var corrected = all.Count > 0 && _deltas.PreferDense(all.Count, allSlots, all.Max(x => x.Item3) + 1)
            ? _deltas.Corrected(residV, all, allSlots, withoutResidual: slots, positions: _positions) // [V, b, p, c·h (+ 1), d]
            : null;
        if (corrected is not null && mlpBelow.Count > 0)
        {
            _mlpBelow = (layer, corrected.select(3, slots)); // [V, b, p, d]: −Σ over the MLP's ablated edges from below
        }

        if (2 * pairs.Count >= _variants * heads)
        {
            // most heads differ: per-head inputs for the whole batch, head-major, one batched projection over heads
            var inputs = new Tensor[channels];
            for (int c = 0; c < channels; c++)
            {
                Tensor x; // [h, V, b, p, d]
                if (corrected is not null)
                {
                    x = corrected.narrow(3, c * heads, heads).permute(3, 0, 1, 2, 4); // [h, V, b, p, d], a view
                }
                else
                {
                    x = residV.unsqueeze(0).expand(heads, _variants, _b, _p, _d).clone(); // corrected in place
                    foreach (var (variant, edge) in entries.Where(e => channels == 1 || GraphLayout.Channel(e.Edge) == c))
                    {
                        x[edge.Destination.Index, variant].sub_(Delta(edge, variant));
                    }
                }

                foreach (var ((variant, slot), correction) in fromNeurons.Where(f => f.Key.Slot / heads == c))
                {
                    x[slot % heads, variant].sub_(correction);
                }

                inputs[c] = x.reshape(heads, _variants * _b, _p, _d); // [h, V·b, p, d]: a view when one variant
            }

            return Model.Routing.AttentionInput.PerHead(inputs[0], inputs[Math.Min(1, channels - 1)], inputs[channels - 1]);
        }

        var rows = new Tensor[3][];
        for (int c = 0; c < 3; c++)
        {
            rows[c] = new Tensor[pairs.Count];
        }

        var byPair = entries.GroupBy(x => (x.Variant, x.Edge.Destination.Index)).ToDictionary(g => g.Key, g => g.ToList());
        IReadOnlyList<(int Variant, Edge Edge)> On((int, int) pair) => byPair.TryGetValue(pair, out var list) ? list : [];
        for (int t = 0; t < pairs.Count; t++)
        {
            var (variant, head) = pairs[t];
            for (int c = 0; c < 3; c++)
            {
                if (channels == 1 && c > 0)
                {
                    rows[c][t] = rows[0][t];
                    continue;
                }

                Tensor x; // [b, p, d]
                if (corrected is not null)
                {
                    x = corrected[variant].select(2, (c * heads) + head); // a view of the product's result
                }
                else
                {
                    x = residV[variant].clone(); // corrected in place: one buffer however many edges
                    foreach (var (_, edge) in On(pairs[t]).Where(e => channels == 1 || GraphLayout.Channel(e.Edge) == c))
                    {
                        x.sub_(Delta(edge, variant));
                    }
                }

                if (fromNeurons.TryGetValue((variant, (c * heads) + head), out var correction))
                {
                    x.sub_(correction);
                }

                rows[c][t] = x;
            }
        }

        var q = stack(rows[0]); // [T, b, p, d]
        var k = channels == 1 ? q : stack(rows[1]);
        var v = channels == 1 ? q : stack(rows[2]);
        return Model.Routing.AttentionInput.Of(residPre, new HeadRows(_variants, pairs.Select(x => x.Variant).ToList(), pairs.Select(x => x.Index).ToList(), q, k, v));
    }

    public Tensor? HeadsWritten(int layer, Tensor z, Tensor? outputGain)
    {
        var recorded = _recorder?.HeadsWritten(layer, z, outputGain);
        int heads = _model.Config.NHeads, first = _layout.SourceIndex(Node.Head(layer, 0)); // a layer's heads are consecutive sources
        if (!Enumerable.Range(first, heads).Any(_needed.Contains))
        {
            return recorded;
        }

        var attn = _model.Blocks[layer].Attn;
        var outputs = attn.HeadOutputs(z, outputGain); // [h, V·b, p, d]
        var sum = outputGain is null ? outputs.sum([0L]) : null; // [V·b, p, d]: the block adds b_O instead of projecting z again
        var ablated = _ablated.narrow(0, first, heads); // [h, b, p, d]
        var deltas = _variants == 1
            ? outputs.sub_(ablated).unsqueeze(1) // [h, 1, b, p, d], in place
            : outputs.view(heads, _variants, _b, _p, _d).sub_(ablated.unsqueeze(1)); // [h, V, b, p, d]
        _deltas.SetRange(first, deltas);
        for (int h = 0; h < heads; h++)
        {
            _deltas[first + h].MoveToOuterDisposeScope();
        }

        return sum;
    }

    public MlpInput MlpInput(int layer, Tensor mlpIn)
    {
        _recorder?.MlpInput(layer, mlpIn);
        var entries = _mlps[layer];
        var fromNeurons = NeuronDeltas.Corrections(_neurons, _neuronMlps[layer], _ => 0);
        if (entries.Count == 0 && fromNeurons.Count == 0)
        {
            return new MlpInput(mlpIn);
        }

        var x = entries.Count == 0 ? mlpIn.clone()
            : _mlpBelow is { } below && below.Layer == layer ? CorrectedAbove(layer, entries, mlpIn, below.Correction)
            : Corrected(entries, mlpIn); // [V·b, p, d], a new tensor
        var xV = x.view(_variants, _b, _p, _d);
        foreach (var ((variant, _), correction) in fromNeurons)
        {
            xV.select(0, variant).sub_(correction);
        }

        return new MlpInput(x);
    }

    public void MlpWritten(int layer, Tensor post, Tensor output, Tensor? outputGain)
    {
        _recorder?.MlpWritten(layer, post, output, outputGain);
        if (!_layout.NeuronLevel)
        {
            int s = _layout.SourceIndex(Node.Mlp(layer));
            if (_needed.Contains(s))
            {
                Keep(s, output.view(_variants, _b, _p, _d) - _ablated[s]);
            }

            return;
        }

        if (_neuronLayers.Contains(layer))
        {
            _neurons!.Set(layer, post, outputGain);
        }
    }

    /// <summary>
    /// The unembedding's input: <c>[V·b, p, d]</c>, or with read positions only the stream at them <c>[V·b, 1, d]</c>
    /// (the corrections of edges into the logits are then made at those rows only).
    /// </summary>
    public Tensor FinalInput(Tensor residFinal)
    {
        RawFinal = residFinal;
        var fromNeurons = NeuronDeltas.Corrections(_neurons, _neuronLogits, _ => 0);
        if (_readPositions is null)
        {
            if (fromNeurons.Count == 0)
            {
                return _logits.Count == 0 ? residFinal : Corrected(_logits, residFinal);
            }

            var all = (_logits.Count == 0 ? residFinal.clone() : Corrected(_logits, residFinal)).view(_variants, _b, _p, _d);
            foreach (var ((variant, _), correction) in fromNeurons)
            {
                all.select(0, variant).sub_(correction);
            }

            return all.view(_variants * _b, _p, _d);
        }

        var index = _readPositions.view(_b, 1, 1).expand(_b, 1, _d); // [b, 1, d]
        var read = residFinal.view(_variants, _b, _p, _d).gather(2, index.unsqueeze(0).expand(_variants, _b, 1, _d)).view(_variants, _b, _d); // [V, b, d]
        if (_logits.Count == 0 && fromNeurons.Count == 0)
        {
            return read.view(_variants * _b, 1, _d);
        }

        var triples = _logits.Select(x => (x.Variant, 0, _layout.SourceIndex(x.Edge.Source), _layout.PositionGroup(x.Edge))).ToList();
        Tensor x; // [V, b, d], a new tensor
        if (triples.Count > 0 && _deltas.PreferDense(triples.Count, 1, triples.Max(x => x.Item3) + 1))
        {
            var rows = arange(_b, ScalarType.Int64, _readPositions.device).mul_(_p).add_(_readPositions); // [b]: flat row b·p + position
            x = _deltas.CorrectedAt(read, triples, rows, _positions);
        }
        else
        {
            x = read.clone(); // in place: one buffer however many edges
            foreach (var (variant, edge) in _logits)
            {
                var delta = _deltas[_layout.SourceIndex(edge.Source)][variant]; // [b, p, d]
                x.select(0, variant).sub_((_positions is null ? delta : _positions.Restrict(delta, _layout.PositionGroup(edge))).gather(1, index).squeeze(1)); // [b, d]
            }
        }

        foreach (var ((variant, _), correction) in fromNeurons)
        {
            x.select(0, variant).sub_(correction.gather(1, index).squeeze(1)); // [b, d]
        }

        return x.view(_variants * _b, 1, _d);
    }

    /// <summary>x_s − x̃_s of an ablated edge's source in variant <paramref name="variant"/>, <c>[b, p, d]</c>, zero outside the edge's position group.</summary>
    private Tensor Delta(Edge edge, int variant)
    {
        var delta = _deltas[_layout.SourceIndex(edge.Source)][variant]; // [b, p, d]
        return _positions is null ? delta : _positions.Restrict(delta, _layout.PositionGroup(edge));
    }

    /// <summary>A head input's slot: channel-major (all q, then k, then v), or the head at head level.</summary>
    private int Slot(Edge edge) => (_layout.Channels == 1 ? 0 : GraphLayout.Channel(edge) * _model.Config.NHeads) + edge.Destination.Index;

    /// <summary>Stores a source's delta and moves it out of the block's dispose scope (later layers read it).</summary>
    private void Keep(int source, Tensor delta)
    {
        _deltas.Set(source, delta);
        _deltas[source].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The MLP's input <paramref name="input"/> <c>[V·b, p, d]</c> plus <paramref name="below"/> (the corrections of its
    /// ablated edges from sources below <paramref name="layer"/>, computed with the heads' inputs) minus its ablated
    /// edges from this layer's heads, one subtraction each.
    /// </summary>
    private Tensor CorrectedAbove(int layer, List<(int Variant, Edge Edge)> entries, Tensor input, Tensor below)
    {
        int firstHead = _layout.SourceIndex(Node.Head(layer, 0));
        var x = input.view(_variants, _b, _p, _d) + below; // [V, b, p, d], a new buffer
        foreach (var (variant, edge) in entries)
        {
            int s = _layout.SourceIndex(edge.Source);
            if (s >= firstHead)
            {
                x.select(0, variant).sub_(Delta(edge, variant));
            }
        }

        return x.view(_variants * _b, _p, _d);
    }

    /// <summary><paramref name="input"/> <c>[V·b, p, d]</c> minus, per variant, Σ over its ablated edges into one destination of (x_s − x̃_s).</summary>
    private Tensor Corrected(List<(int Variant, Edge Edge)> entries, Tensor input)
    {
        var triples = entries.Select(x => (x.Variant, 0, _layout.SourceIndex(x.Edge.Source), _layout.PositionGroup(x.Edge))).ToList();
        if (_deltas.PreferDense(triples.Count, 1, triples.Max(x => x.Item3) + 1))
        {
            return _deltas.Corrected(input.view(_variants, _b, _p, _d), triples, 1, positions: _positions).view(_variants * _b, _p, _d); // [V, b, p, 1, d] as [V·b, p, d]
        }

        var x = input.view(_variants, _b, _p, _d).clone(); // in place: one buffer however many edges
        foreach (var (variant, edge) in entries)
        {
            x.select(0, variant).sub_(Delta(edge, variant));
        }

        return x.view(_variants * _b, _p, _d);
    }
}
