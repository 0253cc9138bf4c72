using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Routing;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching;

/// <summary>
/// Edge patching on one batch of prompts: records the clean run, computes the ablated source outputs once, then
/// evaluates any number of ablated-edge sets (<see cref="Evaluate"/>) or circuits (<see cref="EvaluateCircuits"/>,
/// everything outside the circuit ablated). Owns the recorded tensors.
/// </summary>
public sealed class EdgePatcher : IDisposable
{
    private readonly EdgeMaskedForward _engine;
    private readonly SourceRecord _clean;
    private readonly SourceOutputs _ablated;
    private readonly PatchingInput _callerInput;
    private (SourceRecord Record, IReadOnlySet<Edge> Edges, IReadOnlyCollection<Edge> Given)? _base; // a base set's run, recorded on demand (Evaluate)

    public EdgePatcher(
        HookedTransformer model,
        ComputeGraph graph,
        PatchingInput input,
        IAblation ablation,
        Tensor? corruptedTokens = null,
        Tensor? referenceTokens = null,
        Tensor? referenceMask = null,
        long seed = 0)
    {
        Graph = graph;
        _callerInput = input;
        CheckPositions(graph, input);
        Input = input.On(model.Device); // everything a run reads lives on the model's device
        if (!ReferenceEquals(Input, input))
        {
            Input.Tokens.DetachFromDisposeScope(); // owned by the patcher, like the records
            Input.AttentionMask?.DetachFromDisposeScope();
            Input.ReadPositions?.DetachFromDisposeScope();
            Input.PositionGroups?.DetachFromDisposeScope();
        }
        _engine = new EdgeMaskedForward(model, new GraphLayout(graph, model.Config));
        _clean = _engine.Record(Input);
        var onDevice = new[] { corruptedTokens, referenceTokens, referenceMask }.Select(t => t?.to(model.Device)).ToArray(); // copies only where not on the device
        try
        {
            _ablated = ablation.AblatedOutputs(_engine, new AblationInput(Input, _clean, onDevice[0], onDevice[1], onDevice[2], seed));
            using var logits = Evaluate([[]]); // [1, batch, ...]
            CleanLogits = logits[0].DetachFromDisposeScope();
        }
        catch
        {
            _clean.Dispose();
            throw;
        }
        finally
        {
            var given = new[] { corruptedTokens, referenceTokens, referenceMask };
            for (int i = 0; i < onDevice.Length; i++)
            {
                if (onDevice[i] is { } copy && !ReferenceEquals(copy, given[i]))
                {
                    copy.Dispose(); // a new handle (a copy, or an alias of the caller's tensor that keeps it alive)
                }
            }
        }
    }

    public ComputeGraph Graph { get; }

    public PatchingInput Input { get; }

    /// <summary>The clean model's logits at the read positions <c>[batch, d_vocab_out]</c> (or <c>[batch, pos, d_vocab_out]</c>).</summary>
    public Tensor CleanLogits { get; }

    /// <summary>The ablated source outputs x̃ <c>[n_sources, batch, pos, d_model]</c> of the sources other than neurons.</summary>
    public Tensor AblatedSources => _ablated.Outputs;

    /// <summary>The ablated source outputs x̃, neurons (at neuron level) included.</summary>
    public SourceOutputs Ablated => _ablated;

    /// <summary>The clean source outputs x, neurons (at neuron level) included.</summary>
    public SourceOutputs Clean => _clean.Sources;

    /// <summary>The clean source outputs x <c>[n_sources, batch, pos, d_model]</c> of the sources other than neurons, in <see cref="Layout"/>'s source order.</summary>
    public Tensor CleanSources => _clean.Outputs;

    /// <summary>Bytes the patcher holds: the recorded clean run (outputs and residual streams), the ablated outputs, the clean logits.</summary>
    public long RecordedBytes
    {
        get
        {
            return _clean.Bytes + _ablated.Bytes + (CleanLogits.NumberOfElements * CleanLogits.ElementSize);
        }
    }

    /// <summary>Where each graph node lives (source rows, destination layers).</summary>
    public GraphLayout Layout => _engine.Layout;

    /// <summary>
    /// Logits for each set of ablated edges: <c>[sets, batch, d_vocab_out]</c> (at the read positions). Sets run
    /// <paramref name="variantsPerCall"/> at a time along the batch dimension, grouped by the earliest layer they touch
    /// so that each call (with <paramref name="resume"/>) starts as late as possible; results come back in input order.
    /// </summary>
    /// <remarks>
    /// With <paramref name="baseSet"/> B, the run of B is recorded once (and kept until another base is asked for), and
    /// each set resumes from the earliest layer its difference from B feeds, on B's activations below it: a test of
    /// B ∪ {e}, as ACDC makes on top of the hybrid's screened-out edges, costs what a test of {e} alone costs.
    /// The logits equal those without a base (the layers below are the same computation).
    /// </remarks>
    public Tensor Evaluate(IReadOnlyList<IReadOnlyCollection<Edge>> sets, bool resume = true, int variantsPerCall = 8, IReadOnlyCollection<Edge>? baseSet = null)
    {
        if (variantsPerCall <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(variantsPerCall));
        }

        using var scope = NewDisposeScope();
        var (record, recordedWith) = resume ? Base(baseSet) : (_clean, null);
        var order = Enumerable.Range(0, sets.Count).OrderBy(i => _engine.StartLayer(sets[i], recordedWith)).ThenBy(i => i).ToArray();
        var parts = new List<Tensor>();
        for (int first = 0; first < order.Length; first += variantsPerCall)
        {
            var chunk = order.Skip(first).Take(variantsPerCall).Select(i => sets[i]).ToList();
            parts.Add(_engine.Run(Input, record, _ablated, chunk, resume, recordedWith));
        }

        var sorted = parts.Count == 1 ? parts[0] : cat(parts, 0); // [sets, ...] in `order`
        var inverse = new long[order.Length];
        for (int k = 0; k < order.Length; k++)
        {
            inverse[order[k]] = k;
        }

        return sorted.Rows(tensor(inverse, device: sorted.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Logits with everything outside each circuit ablated: <c>[circuits, batch, d_vocab_out]</c>.</summary>
    public Tensor EvaluateCircuits(IReadOnlyList<Circuit> circuits, bool resume = true) =>
        Evaluate(circuits.Select(c => (IReadOnlyCollection<Edge>)Graph.Edges.Where(e => !c.Contains(e)).ToList()).ToList(), resume, variantsPerCall: 4);

    /// <summary>A positional graph needs rows it can group: at most one group per position, or each position's word-label group.</summary>
    private static void CheckPositions(ComputeGraph graph, PatchingInput input)
    {
        switch (graph.Positions)
        {
            case { Mode: PositionMode.All } all when input.Positions > all.Count:
                throw new ArgumentException($"the graph splits edges by {all.Count} positions, but the prompts have {input.Positions}");
            case { Mode: PositionMode.Labels } labels when input.PositionGroups is null:
                throw new ArgumentException($"the graph splits edges by word labels ({labels}): the input needs each position's group");
            case { Mode: PositionMode.Labels } labels when !input.PositionGroups!.shape.SequenceEqual(input.Tokens.shape):
                throw new ArgumentException($"position groups of shape [{string.Join(", ", input.PositionGroups.shape)}] do not match the tokens' [{string.Join(", ", input.Tokens.shape)}] ({labels})");
        }
    }

    /// <summary>The record runs resume on: the clean one, or that of <paramref name="baseSet"/> (recorded on first use).</summary>
    private (SourceRecord Record, IReadOnlySet<Edge>? Edges) Base(IReadOnlyCollection<Edge>? baseSet)
    {
        if (baseSet is null || baseSet.Count == 0 || _engine.Layout.NeuronLevel)
        {
            return (_clean, null);
        }

        if (_base is { } kept && (ReferenceEquals(kept.Given, baseSet) || (kept.Edges.Count == baseSet.Distinct().Count() && baseSet.All(kept.Edges.Contains))))
        {
            _base = kept with { Given = baseSet }; // the caller passes the same collection each time: the next check is by reference
            return (kept.Record, kept.Edges);
        }

        _base?.Record.Dispose();
        var edges = baseSet.ToHashSet();
        _base = (_engine.RecordAblated(Input, _clean, _ablated, edges), edges, baseSet);
        return (_base.Value.Record, edges);
    }

    public void Dispose()
    {
        _base?.Record.Dispose();
        if (!ReferenceEquals(Input, _callerInput))
        {
            Input.Tokens.Dispose(); // the copies On made on the model's device
            Input.AttentionMask?.Dispose();
            Input.ReadPositions?.Dispose();
            Input.PositionGroups?.Dispose();
        }

        _clean.Dispose();
        _ablated.Dispose();
        CleanLogits.Dispose();
    }
}
