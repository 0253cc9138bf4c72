using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using FsCheck.Xunit;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// The patching contract's invariants (DESIGN.md) on random small models of every supported architecture, at every
/// graph level: nothing ablated reproduces the plain forward; everything ablated with resample reproduces the corrupted
/// forward; ablating all of a node's outgoing edges equals ablating the node; identical prompts are unaffected.
/// </summary>
public sealed class EdgePatchingInvariantTests
{
    private const double Tolerance = 1e-5;

    [Property(MaxTest = 24)]
    public void No_edge_ablated_reproduces_the_plain_forward(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = setup.Model.Forward(setup.Clean); // [b, p, v]
        var patched = setup.Patcher.Evaluate([[]], resume: false)[0];
        AssertClose(plain, patched, "nothing ablated vs plain forward");
        AssertClose(plain, setup.Patcher.Evaluate([[]], resume: true)[0], "nothing ablated (resumed) vs plain forward");
    }

    [Property(MaxTest = 24)]
    public void Every_edge_ablated_with_resample_reproduces_the_corrupted_forward(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var corrupted = setup.Model.Forward(setup.Corrupted);
        var clean = setup.Model.Forward(setup.Clean);
        Assert.True((corrupted - clean).abs().max().item<float>() > 1e-3, "clean and corrupted runs should differ");
        var patched = setup.Patcher.Evaluate([setup.Graph.Edges.ToList()])[0];
        AssertClose(corrupted, patched, "all edges ablated vs corrupted forward");
    }

    [Property(MaxTest = 16)]
    public void Ablating_all_outgoing_edges_of_a_node_equals_ablating_the_node(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(seed);
        var sources = setup.Graph.Sources;
        var node = sources[random.Next(sources.Count)];
        var viaEdges = setup.Patcher.Evaluate([setup.Graph.OutgoingEdges(node).ToList()])[0];
        var viaNode = NodeAblation.Run(setup.Model, setup.Clean, setup.Corrupted, node);
        AssertClose(viaNode, viaEdges, $"outgoing edges of {node.Id} vs node {node.Id}");
    }

    [Property(MaxTest = 16)]
    public void Identical_clean_and_corrupted_prompts_leave_the_output_unchanged(int seed)
    {
        using var setup = Setup.Create(seed, identical: true);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plain = setup.Model.Forward(setup.Clean);
        var random = new Random(seed);
        var sets = Enumerable.Range(0, 3)
            .Select(_ => (IReadOnlyCollection<Edge>)setup.Graph.Edges.Where(_ => random.Next(2) == 0).ToList())
            .ToList();
        var patched = setup.Patcher.Evaluate(sets);
        for (int i = 0; i < sets.Count; i++)
        {
            AssertClose(plain, patched[i], $"random set {i} with identical prompts");
        }
    }

    [Property(MaxTest = 12)]
    public void Batched_evaluation_of_many_sets_equals_evaluating_them_one_by_one(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(seed);
        var edges = setup.Graph.Edges;
        var sets = Enumerable.Range(0, 5)
            .Select(i => (IReadOnlyCollection<Edge>)(i == 0 ? [] : edges.Where(_ => random.Next(edges.Count) < 1 + i).ToList()))
            .ToList();
        var batched = setup.Patcher.Evaluate(sets, variantsPerCall: 5);
        for (int i = 0; i < sets.Count; i++)
        {
            AssertClose(setup.Patcher.Evaluate([sets[i]], resume: false)[0], batched[i], $"set {i}");
        }
    }

    [Property(MaxTest = 16)]
    public void Dense_corrections_equal_per_edge_subtraction(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(seed);
        var edges = setup.Graph.Edges;
        var sets = Enumerable.Range(0, 4)
            .Select(i => (IReadOnlyCollection<Edge>)edges.Where(_ => random.NextDouble() < 0.25 * (i + 1)).ToList())
            .ToList();
        var layout = setup.Patcher.Layout;
        var dense = new EdgeMaskedForward(setup.Model, layout, denseMinimumEdges: 0);
        var sparse = new EdgeMaskedForward(setup.Model, layout, denseMinimumEdges: int.MaxValue);
        var input = setup.Patcher.Input;
        using var record = dense.Record(input);
        var ablated = setup.Patcher.Ablated;
        AssertClose(sparse.Run(input, record, ablated, sets), dense.Run(input, record, ablated, sets), $"{sets.Sum(x => x.Count)} edges in {sets.Count} variants");
        foreach (var set in sets)
        {
            // one variant: the heads' deltas come from one product less the ablated values, the per-head inputs are views
            AssertClose(sparse.Run(input, record, ablated, [set]), dense.Run(input, record, ablated, [set]), $"{set.Count} edges in one variant");
        }
    }

    [Property(MaxTest = 16)]
    public void Logits_at_read_positions_equal_the_full_run_at_those_positions_dense_or_sparse(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(seed);
        var edges = setup.Graph.Edges;
        // edges into the logits among them, so the final stream's corrections are made at the read rows only
        var sets = Enumerable.Range(0, 3)
            .Select(i => (IReadOnlyCollection<Edge>)edges.Where(e => e.Destination.Kind == NodeKind.Logits || random.NextDouble() < 0.3 * i).ToList())
            .ToList();
        var layout = setup.Patcher.Layout;
        var full = setup.Patcher.Input;
        long b = setup.Clean.shape[0], p = setup.Clean.shape[1];
        var positions = Enumerable.Range(0, (int)b).Select(_ => (long)random.Next((int)p)).ToArray();
        var read = full with { ReadPositions = tensor(positions) };
        foreach (int minimum in new[] { 0, int.MaxValue })
        {
            var engine = new EdgeMaskedForward(setup.Model, layout, denseMinimumEdges: minimum);
            using var record = engine.Record(full);
            var ablated = setup.Patcher.Ablated;
            var everywhere = engine.Run(full, record, ablated, sets); // [V, b, p, v]
            var expected = stack(Enumerable.Range(0, (int)b).Select(i => everywhere.select(1, i).select(1, positions[i])).ToArray(), 1); // [V, b, v]
            AssertClose(expected, engine.Run(read, record, ablated, sets), $"{(minimum == 0 ? "dense" : "sparse")}, {sets.Count} variants");
            AssertClose(expected[2].unsqueeze(0), engine.Run(read, record, ablated, [sets[2]]), $"{(minimum == 0 ? "dense" : "sparse")}, one variant");
        }
    }

    [Property(MaxTest = 16)]
    public void Resuming_on_a_recorded_base_set_gives_the_logits_of_a_run_from_scratch(int seed)
    {
        using var setup = Setup.Create(seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(seed);
        var edges = setup.Graph.Edges;
        var baseSet = edges.Where(_ => random.NextDouble() < 0.5).ToList();
        // the base plus one edge (ACDC on the hybrid's screen), the base less one, the base itself, and an unrelated set
        var sets = new List<IReadOnlyCollection<Edge>>
        {
            baseSet.Append(edges[random.Next(edges.Count)]).Distinct().ToList(),
            baseSet.Skip(1).ToList(),
            baseSet,
            edges.Where(_ => random.NextDouble() < 0.3).ToList(),
        };
        var expected = setup.Patcher.Evaluate(sets);
        var based = setup.Patcher.Evaluate(sets, baseSet: baseSet);
        AssertClose(expected, based, $"base of {baseSet.Count} edges");
        for (int i = 0; i < sets.Count; i++)
        {
            AssertClose(expected[i], setup.Patcher.Evaluate([sets[i]], baseSet: baseSet)[0], $"set {i} alone");
        }
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= Tolerance, $"{what}: max abs diff {diff:E2}");
    }

    /// <summary>A random model, graph, clean and corrupted prompts and a resample patcher.</summary>
    internal sealed class Setup : IDisposable
    {
        private Setup(HookedTransformer model, ComputeGraph graph, Tensor clean, Tensor corrupted, EdgePatcher patcher)
        {
            Model = model;
            Graph = graph;
            Clean = clean;
            Corrupted = corrupted;
            Patcher = patcher;
        }

        public HookedTransformer Model { get; }

        public ComputeGraph Graph { get; }

        public Tensor Clean { get; }

        public Tensor Corrupted { get; }

        public EdgePatcher Patcher { get; }

        public static Setup Create(int seed, bool identical = false, GraphLevel? level = null)
        {
            var config = RandomModels.Config(seed);
            var model = RandomModels.Model(config, seed);
            level ??= (GraphLevel)(Math.Abs(seed) % 3);
            var graph = RandomModels.Graph(config, level.Value);
            var clean = RandomModels.Tokens(seed, 3, 6, config.DVocab).DetachFromDisposeScope();
            var corrupted = identical ? clean.clone().DetachFromDisposeScope() : RandomModels.Tokens(seed + 1, 3, 6, config.DVocab).DetachFromDisposeScope();
            var patcher = new EdgePatcher(model, graph, new PatchingInput(clean), new ResampleAblation(), corrupted);
            return new Setup(model, graph, clean, corrupted, patcher);
        }

        public void Dispose()
        {
            Patcher.Dispose();
            Clean.Dispose();
            Corrupted.Dispose();
            Model.Dispose();
        }
    }
}
