using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The edge-masked forward pass (DESIGN.md, "Patching semantics"): each destination's input is the residual stream of
/// this run minus, for every ablated edge into it, the source's current output plus its ablated output —
/// <c>input_d = resid − Σ_{s: (s,d) ∈ A} (x_s − x̃_s)</c>, which equals Σ unablated x_s + Σ ablated x̃_s + biases.
/// Several edge sets run at once as variants along the batch dimension; a run resumes from the earliest layer any set
/// touches, starting from the clean residual stream there. Heads whose inputs differ are recomputed one by one
/// (<see cref="Attention.HeadZ"/>); everything else runs batched exactly as <see cref="HookedTransformer.Forward"/>.
/// </summary>
public sealed class EdgeMaskedForward
{
    private readonly HookedTransformer _model;
    private readonly GraphLayout _layout;
    private readonly HookedTransformerConfig _cfg;

    private readonly int _denseMinimumEdges;

    /// <summary>The largest delta buffer a dense run allocates; above it a run falls back to per-edge subtraction.</summary>
    private const long DenseMaximumBytes = 2L << 30;

    /// <summary>
    /// An engine for <paramref name="model"/> over <paramref name="layout"/>'s graph. Runs that ablate fewer than
    /// <paramref name="denseMinimumEdges"/> edges subtract each edge's delta from its destination's input; from that many
    /// on, deltas live in one buffer and corrections are matrix products (<c>int.MaxValue</c>: never).
    /// </summary>
    public EdgeMaskedForward(HookedTransformer model, GraphLayout layout, int denseMinimumEdges = 64)
    {
        _denseMinimumEdges = denseMinimumEdges;
        _model = model;
        _layout = layout;
        _cfg = model.Config;
    }

    public GraphLayout Layout => _layout;

    /// <summary>
    /// Runs <paramref name="input"/> unablated and records every source's output and the residual streams.
    /// <paramref name="inputSource"/> <c>[batch, pos, d_model]</c> replaces the <c>input</c> node's output (noisy embeddings).
    /// </summary>
    public SourceRecord Record(PatchingInput input, Tensor? inputSource = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x0, pos) = InputSource(input.Tokens);
        if (inputSource is not null)
        {
            x0 = inputSource;
        }

        long b = input.Batch, p = input.Positions;
        var blocked = _model.BlockedMask(b, p, input.AttentionMask);
        bool padding = input.AttentionMask is not null;
        var outputs = new Tensor[_layout.Sources.Count];
        outputs[_layout.SourceIndex(Node.Input)] = x0;
        var residPre = new List<Tensor>();
        var resid = x0;
        for (int l = 0; l < _cfg.NLayers; l++)
        {
            residPre.Add(resid);
            using var layerScope = NewDisposeScope(); // this layer's intermediates; outputs and resid move out
            var block = _model.Blocks[l];
            var z = AttentionZ(block, resid, pos, blocked, padding); // [b, p, h, e]
            var results = block.Attn.PerHeadResults(z); // [b, p, h, d]
            for (int h = 0; h < _cfg.NHeads; h++)
            {
                outputs[_layout.SourceIndex(Node.Head(l, h))] = results.select(2, h);
            }

            var attnOut = block.Attn.Output(z); // [b, p, d], the same operation as the plain forward
            if (block.MlpModule is not { } mlp)
            {
                resid = resid.add(attnOut, Scalars.One).MoveToOuterDisposeScope();
                MoveOut(outputs, l);
                continue;
            }

            var mlpIn = _cfg.ParallelAttnMlp ? resid : resid.add(attnOut, Scalars.One); // [b, p, d]
            var post = mlp.Post(block.Ln2.ApplyTo(mlpIn)); // [b, p, m]
            var mlpOut = mlp.Output(post); // [b, p, d]
            if (_layout.NeuronLevel)
            {
                var neurons = einsum("bpm,md->mbpd", post, mlp.W_out); // [m, b, p, d]
                for (int n = 0; n < _cfg.DMlp; n++)
                {
                    outputs[_layout.SourceIndex(Node.Neuron(l, n))] = neurons[n];
                }
            }
            else
            {
                outputs[_layout.SourceIndex(Node.Mlp(l))] = mlpOut;
            }

            resid = (_cfg.ParallelAttnMlp ? resid.add(attnOut, Scalars.One).add_(mlpOut, Scalars.One) : mlpIn.add(mlpOut, Scalars.One)).MoveToOuterDisposeScope();
            MoveOut(outputs, l);
        }

        return new SourceRecord(stack(outputs), residPre.Select(t => t.clone()).ToList(), resid.clone());
    }

    /// <summary>
    /// Logits for each edge set (variant): <c>[variants, batch, d_vocab_out]</c> at the input's read positions, or
    /// <c>[variants, batch, pos, d_vocab_out]</c> when it has none. <paramref name="clean"/> is <see cref="Record"/> of
    /// the same input; <paramref name="ablated"/> holds x̃ per source <c>[n_sources, batch, pos, d_model]</c>.
    /// </summary>
    public Tensor Run(PatchingInput input, SourceRecord clean, Tensor ablated, IReadOnlyList<IReadOnlyCollection<Edge>> sets, bool resume = true)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int variants = sets.Count;
        long b = input.Batch, p = input.Positions, d = _cfg.DModel;
        var entries = new List<(int Variant, Edge Edge)>();
        for (int v = 0; v < variants; v++)
        {
            _layout.Validate(sets[v]);
            // an edge listed twice is ablated once; graph order makes the sums (and so the floats) independent of how
            // the caller's collection happens to iterate
            entries.AddRange(sets[v].Distinct().OrderBy(_layout.Graph.IndexOf).Select(e => (v, e)));
        }

        int start = resume ? entries.Select(x => _layout.DestinationLayer(x.Edge)).DefaultIfEmpty(_cfg.NLayers).Min() : 0;
        // many ablated edges: keep the deltas in one buffer so corrections are matrix products (SourceDeltas)
        long denseBytes = (long)variants * _layout.Sources.Count * b * p * d * ablated.element_size();
        bool dense = !_layout.NeuronLevel && entries.Count >= _denseMinimumEdges && denseBytes <= DenseMaximumBytes;
        var deltas = new SourceDeltas(variants, _layout.Sources.Count, b, p, d, dense, ablated.dtype, ablated.device); // x_s − x̃_s
        foreach (var source in entries.Select(x => x.Edge.Source).Distinct())
        {
            if (GraphLayout.SourceLayer(source) < start)
            {
                int s = _layout.SourceIndex(source);
                deltas.Set(s, (clean.Outputs[s] - ablated[s]).unsqueeze(0).expand(variants, b, p, d));
            }
        }

        var needed = entries.Select(x => _layout.SourceIndex(x.Edge.Source)).ToHashSet();
        var (_, pos) = InputSource(input.Tokens);
        var posVariants = pos is null ? null : Repeat(pos, variants); // [V*b, p, d]
        var mask = input.AttentionMask;
        var blockedPrompt = _model.BlockedMask(b, p, mask); // [b|1, 1, p, p]
        var blocked = mask is null ? blockedPrompt : _model.BlockedMask(variants * b, p, Repeat(mask, variants));
        bool padding = mask is not null;

        var startResid = start < _cfg.NLayers ? clean.ResidPre[start] : clean.ResidFinal;
        var resid = Repeat(startResid, variants); // [V*b, p, d]
        for (int l = start; l < _cfg.NLayers; l++)
        {
            using var layerScope = NewDisposeScope(); // frees each layer's intermediates; resid and new deltas move out
            var before = deltas.Sources.ToHashSet();
            resid = Layer(l, resid, entries, deltas, needed, ablated, variants, pos, posVariants, blocked, blockedPrompt, padding).MoveToOuterDisposeScope();
            foreach (var key in deltas.Sources.Where(k => !before.Contains(k)).ToList())
            {
                deltas[key].MoveToOuterDisposeScope();
            }
        }

        var logitEntries = entries.Where(x => x.Edge.Destination.Kind == NodeKind.Logits).ToList();
        var final = resid; // [V*b, p, d]
        if (logitEntries.Count > 0)
        {
            final = final - Correction(logitEntries, deltas, variants).view(variants * b, p, d);
        }

        return Unembed(final, input.ReadPositions, variants).MoveToOuterDisposeScope();
    }

    /// <summary>One block of a variant batch: attention with recomputed heads, then the MLP; returns resid_post <c>[V*b, p, d]</c>.</summary>
    private Tensor Layer(
        int l, Tensor resid, List<(int Variant, Edge Edge)> entries, SourceDeltas deltas, HashSet<int> needed, Tensor ablated,
        int variants, Tensor? pos, Tensor? posVariants, Tensor? blocked, Tensor? blockedPrompt, bool padding)
    {
        long b = resid.shape[0] / variants, p = resid.shape[1], d = _cfg.DModel;
        var block = _model.Blocks[l];
        var layerEntries = entries.Where(x => _layout.DestinationLayer(x.Edge) == l).ToList();
        var headEntries = layerEntries.Where(x => x.Edge.Destination.Kind == NodeKind.AttentionHead).ToList();
        // when every head of every variant is recomputed (late in ACDC, the hybrid's tests), the batched z is not needed
        bool allRecomputed = headEntries.Select(x => (x.Variant, x.Edge.Destination.Index)).Distinct().Count() == variants * _cfg.NHeads;
        var batched = allRecomputed ? null : AttentionZ(block, resid, posVariants, blocked, padding); // [V*b, p, h, e]
        var z = headEntries.Count > 0
            ? RecomputeHeads(block, resid, pos, blockedPrompt, padding, batched, headEntries, deltas, variants)
            : batched!;

        var attnOut = block.Attn.Output(z); // [V*b, p, d], the same operation as the plain forward
        for (int h = 0; h < _cfg.NHeads; h++)
        {
            int s = _layout.SourceIndex(Node.Head(l, h));
            if (needed.Contains(s))
            {
                var result = matmul(z.select(2, h), block.Attn.W_O[h]); // [V*b, p, d]: this head's output
                deltas.Set(s, result.view(variants, b, p, d) - ablated[s]);
            }
        }

        if (block.MlpModule is not { } mlp)
        {
            return resid.add(attnOut, Scalars.One);
        }

        var mlpIn = _cfg.ParallelAttnMlp ? resid : resid.add(attnOut, Scalars.One); // [V*b, p, d]
        var mlpEntries = layerEntries.Where(x => x.Edge.Destination.Kind is NodeKind.Mlp or NodeKind.Neuron).ToList();
        var mlpOut = _layout.NeuronLevel
            ? NeuronMlp(block, mlp, l, mlpIn, mlpEntries, deltas, needed, ablated, variants)
            : WholeMlp(block, mlp, l, mlpIn, mlpEntries, deltas, needed, ablated, variants);
        return _cfg.ParallelAttnMlp ? resid.add(attnOut, Scalars.One).add_(mlpOut, Scalars.One) : mlpIn.add(mlpOut, Scalars.One);
    }

    /// <summary>Moves layer <paramref name="layer"/>'s recorded source outputs out of the layer's dispose scope.</summary>
    private void MoveOut(Tensor[] outputs, int layer)
    {
        foreach (var (node, index) in _layout.Sources.Select((n, i) => (n, i)))
        {
            if (node.Kind != NodeKind.Input && node.Layer == layer)
            {
                outputs[index].MoveToOuterDisposeScope();
            }
        }
    }

    private Tensor AttentionZ(TransformerBlock block, Tensor resid, Tensor? pos, Tensor? blocked, bool padding)
    {
        var x = block.Ln1.ApplyTo(resid); // [n, p, d]
        var qk = pos is null ? x : x.add(pos, Scalars.One);
        return block.Attn.Z(qk, qk, x, blocked, padding); // [n, p, h, e]
    }

    private Tensor RecomputeHeads(
        TransformerBlock block, Tensor resid, Tensor? pos, Tensor? blockedPrompt, bool padding, Tensor? z,
        List<(int Variant, Edge Edge)> headEntries, SourceDeltas deltas, int variants)
    {
        long b = resid.shape[0] / variants, p = resid.shape[1], d = _cfg.DModel;
        var residV = resid.view(variants, b, p, d);
        var pairs = headEntries.GroupBy(x => (x.Variant, x.Edge.Destination.Index)).OrderBy(g => g.Key).ToList();
        int heads = _cfg.NHeads, slots = _layout.Channels * heads;
        int Slot(Edge edge) => (_layout.Channels == 1 ? 0 : GraphLayout.Channel(edge) * heads) + edge.Destination.Index;
        var triples = headEntries.Select(x => (x.Variant, Slot(x.Edge), _layout.SourceIndex(x.Edge.Source))).ToList();
        var dense = deltas.PreferDense(triples.Count, slots, triples.Max(x => x.Item3) + 1)
            ? deltas.Correction(triples, slots).view(variants, slots, b, p, d) // [V, slots, b, p, d]
            : null;
        var inputs = new Tensor[3][];
        for (int c = 0; c < 3; c++)
        {
            inputs[c] = new Tensor[pairs.Count];
        }

        for (int t = 0; t < pairs.Count; t++)
        {
            var (variant, _) = pairs[t].Key;
            for (int c = 0; c < 3; c++)
            {
                Tensor x;
                if (dense is not null)
                {
                    x = residV[variant] - dense[variant, (_layout.Channels == 1 ? 0 : c * heads) + pairs[t].Key.Index]; // [b, p, d]
                }
                else
                {
                    var channel = pairs[t].Where(e => _layout.Channels == 1 || GraphLayout.Channel(e.Edge) == c).ToList();
                    x = residV[variant].clone(); // [b, p, d], corrected in place: one buffer however many edges
                    foreach (var (_, edge) in channel)
                    {
                        x.sub_(deltas[_layout.SourceIndex(edge.Source)][variant]);
                    }
                }

                inputs[c][t] = block.Ln1.ApplyTo(x); // [b, p, d]
            }
        }

        var q = stack(inputs[0]);
        var k = stack(inputs[1]);
        var v = stack(inputs[2]); // [T, b, p, d]
        if (pos is not null)
        {
            q = q.add(pos, Scalars.One);
            k = k.add(pos, Scalars.One);
        }

        var headIndices = tensor(pairs.Select(g => (long)g.Key.Index).ToArray(), device: resid.device);
        var zPairs = block.Attn.HeadZ(q, k, v, headIndices, blockedPrompt, padding); // [T, b, p, e]
        var patched = z is null
            ? empty([variants, b, p, _cfg.NHeads, _cfg.DHead], zPairs.dtype, zPairs.device) // every slot is filled below
            : z.reshape(variants, b, p, _cfg.NHeads, _cfg.DHead).clone(); // [V, b, p, h, e]
        for (int t = 0; t < pairs.Count; t++)
        {
            var (variant, head) = pairs[t].Key;
            patched[variant, TensorIndex.Colon, TensorIndex.Colon, head] = zPairs[t];
        }

        return patched.view(variants * b, p, _cfg.NHeads, _cfg.DHead);
    }

    private Tensor WholeMlp(
        TransformerBlock block, Mlp mlp, int layer, Tensor mlpIn, List<(int Variant, Edge Edge)> mlpEntries,
        SourceDeltas deltas, HashSet<int> needed, Tensor ablated, int variants)
    {
        long b = mlpIn.shape[0] / variants, p = mlpIn.shape[1], d = _cfg.DModel;
        var x = mlpEntries.Count == 0 ? mlpIn : mlpIn - Correction(mlpEntries, deltas, variants).view(variants * b, p, d);
        var mlpOut = mlp.forward(block.Ln2.ApplyTo(x)); // [V*b, p, d]
        int s = _layout.SourceIndex(Node.Mlp(layer));
        if (needed.Contains(s))
        {
            deltas.Set(s, mlpOut.view(variants, b, p, d) - ablated[s]);
        }

        return mlpOut;
    }

    private Tensor NeuronMlp(
        TransformerBlock block, Mlp mlp, int layer, Tensor mlpIn, List<(int Variant, Edge Edge)> mlpEntries,
        SourceDeltas deltas, HashSet<int> needed, Tensor ablated, int variants)
    {
        long b = mlpIn.shape[0] / variants, p = mlpIn.shape[1], d = _cfg.DModel, m = _cfg.DMlp;
        var (pre, preLinear) = mlp.PreActivations(block.Ln2.ApplyTo(mlpIn)); // [V*b, p, m]
        if (mlpEntries.Count > 0)
        {
            var inV = mlpIn.view(variants, b, p, d);
            var preV = pre.view(variants, b, p, m).clone();
            var linV = preLinear?.view(variants, b, p, m).clone();
            foreach (var group in mlpEntries.GroupBy(x => (x.Variant, x.Edge.Destination.Index)))
            {
                var (variant, neuron) = group.Key;
                var x = inV[variant].clone(); // [b, p, d], corrected in place
                foreach (var (_, edge) in group)
                {
                    x.sub_(deltas[_layout.SourceIndex(edge.Source)][variant]);
                }

                var y = block.Ln2.ApplyTo(x); // [b, p, d]
                if (mlp.W_gate is { } gate)
                {
                    preV.select(0, variant).select(2, neuron).copy_(matmul(y, gate.select(1, neuron))); // [b, p]
                    linV!.select(0, variant).select(2, neuron).copy_(matmul(y, mlp.W_in.select(1, neuron)).add_(mlp.b_in[neuron], Scalars.One));
                }
                else
                {
                    preV.select(0, variant).select(2, neuron).copy_(matmul(y, mlp.W_in.select(1, neuron)).add_(mlp.b_in[neuron], Scalars.One)); // [b, p]
                }
            }

            pre = preV.view(variants * b, p, m);
            preLinear = linV?.view(variants * b, p, m);
        }

        var post = mlp.PostFromPre(pre, preLinear); // [V*b, p, m]
        for (int n = 0; n < m; n++)
        {
            int s = _layout.SourceIndex(Node.Neuron(layer, n));
            if (needed.Contains(s))
            {
                var output = post.select(2, n).unsqueeze(-1) * mlp.W_out[n]; // [V*b, p, d]
                deltas.Set(s, output.view(variants, b, p, d) - ablated[s]);
            }
        }

        return mlp.Output(post);
    }

    /// <summary>Σ over each variant's ablated edges into one destination of (x_s − x̃_s): <c>[V, b, p, d]</c>.</summary>
    private Tensor Correction(List<(int Variant, Edge Edge)> entries, SourceDeltas deltas, int variants)
    {
        var triples = entries.Select(x => (x.Variant, 0, _layout.SourceIndex(x.Edge.Source))).ToList();
        if (deltas.PreferDense(triples.Count, 1, triples.Max(x => x.Item3) + 1))
        {
            var first = deltas[triples[0].Item3]; // [V, b, p, d]
            return deltas.Correction(triples, 1).view(first.shape);
        }

        Tensor? sum = null;
        foreach (var group in entries.GroupBy(x => x.Variant))
        {
            foreach (var (_, edge) in group)
            {
                var delta = deltas[_layout.SourceIndex(edge.Source)][group.Key]; // [b, p, d]
                sum ??= zeros(new long[] { variants, delta.shape[0], delta.shape[1], delta.shape[2] }, delta.dtype, delta.device); // [V, b, p, d]
                sum.select(0, group.Key).add_(delta, Scalars.One); // in place: one buffer however many edges
            }
        }

        return sum!;
    }

    private Tensor Unembed(Tensor final, Tensor? readPositions, int variants)
    {
        long n = final.shape[0], p = final.shape[1], d = final.shape[2];
        if (readPositions is not null)
        {
            var positions = Repeat(readPositions.to(ScalarType.Int64), variants).view(n, 1, 1).expand(n, 1, d); // [n, 1, d]
            final = final.gather(1, positions); // [n, 1, d]
        }

        var logits = _model.Unembed.forward(_model.LnFinal.ApplyTo(final)); // [n, p|1, vocab]
        long b = n / variants;
        return readPositions is null
            ? logits.view(variants, b, p, logits.shape[^1])
            : logits.view(variants, b, logits.shape[^1]);
    }

    private (Tensor Input, Tensor? Pos) InputSource(Tensor tokens)
    {
        var embed = _model.Embed.forward(tokens); // [b, p, d]
        if (_model.PosEmbed is not { } posEmbed)
        {
            return (embed, null);
        }

        var pos = posEmbed.forward(tokens); // [b, p, d]
        return _cfg.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer ? (embed, pos) : (embed.add(pos, Scalars.One), null);
    }

    /// <summary>Repeats a batch-first tensor along a new leading variant axis, flattened: <c>[V*b, ...]</c>.</summary>
    private static Tensor Repeat(Tensor x, int variants)
    {
        if (variants == 1)
        {
            return x;
        }

        var shape = x.shape;
        var expanded = x.unsqueeze(0).expand([variants, .. shape]);
        return expanded.reshape([variants * shape[0], .. shape[1..]]);
    }
}
