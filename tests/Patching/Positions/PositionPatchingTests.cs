using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using FsCheck.Xunit;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Positions;

/// <summary>
/// The patching contract at position level, on random models of every architecture family and at every graph level,
/// with one group per position (<c>--positions all</c>) and with word-label groups that differ from prompt to prompt
/// (<c>--positions labels</c>): nothing ablated is the plain forward; every position group of every edge ablated with
/// resample is the corrupted forward; every positional copy of a set of edges ablated is that set ablated (both the
/// per-edge subtraction and the dense product); an edge at a position after the read position changes nothing.
/// </summary>
public sealed class PositionPatchingTests
{
    private const long Batch = 3, Length = 6;

    public static TheoryData<int, GraphLevel, PositionMode> Cases()
    {
        var data = new TheoryData<int, GraphLevel, PositionMode>();
        var seeds = ArchitecturePatchingTests.Families.Select(ArchitecturePatchingTests.SeedOf).Append(0).Append(8);
        foreach (var seed in seeds)
        {
            foreach (var level in new[] { GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron })
            {
                data.Add(seed, level, level == GraphLevel.Qkv ? PositionMode.Labels : PositionMode.All);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nothing_ablated_is_the_plain_forward_and_every_position_of_every_edge_ablated_the_corrupted_one(int seed, GraphLevel level, PositionMode mode)
    {
        using var setup = PositionSetup.Create(seed, level, mode);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var both = setup.Positional.Evaluate([[], setup.Positional.Graph.Edges.ToList()]);
        EdgePatchingInvariantTests.AssertClose(setup.Model.Forward(setup.Clean), both[0], $"seed {seed} {level} {mode}: nothing ablated");
        EdgePatchingInvariantTests.AssertClose(setup.Model.Forward(setup.Corrupted), both[1], $"seed {seed} {level} {mode}: everything ablated");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_positional_copy_of_an_edge_ablated_is_that_edge_ablated(int seed, GraphLevel level, PositionMode mode)
    {
        using var setup = PositionSetup.Create(seed, level, mode);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var kinds = setup.Plain.Graph.Edges
            .GroupBy(e => (e.Source.Kind, e.Destination.Kind, e.Input, SameLayer: e.Source.Layer == e.Destination.Layer))
            .Select(g => g.Last())
            .ToList();
        var random = new Random(seed);
        var half = setup.Plain.Graph.Edges.Where(_ => random.Next(2) == 0).ToList(); // many edges: the dense product
        var sets = kinds.Select(e => (IReadOnlyCollection<Edge>)[e]).Append(half).ToList();
        var plain = setup.Plain.Evaluate(sets);
        var positional = setup.Positional.Evaluate(sets.Select(s => (IReadOnlyCollection<Edge>)s.SelectMany(setup.Copies).ToList()).ToList());
        for (int i = 0; i < sets.Count; i++)
        {
            EdgePatchingInvariantTests.AssertClose(plain[i], positional[i], $"seed {seed} {level} {mode}: " + (i < kinds.Count ? kinds[i].Id : "half of all edges"));
        }
    }

    [Property(MaxTest = 12)]
    public void Edges_at_positions_after_the_read_position_change_nothing(int seed)
    {
        var level = (GraphLevel)(Math.Abs(seed) % 3);
        using var setup = PositionSetup.Create(seed, level, PositionMode.All, readPositions: [3, 2, 3]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var late = setup.Positional.Graph.Edges.Where(e => int.Parse(e.Position!, System.Globalization.CultureInfo.InvariantCulture) >= 4).ToList();
        var logits = setup.Positional.Evaluate([[], late]);
        EdgePatchingInvariantTests.AssertClose(logits[0], logits[1], $"seed {seed} {level}: edges at positions 4 and 5");
    }

    /// <summary>A random model, its plain and positional patchers on the same prompts.</summary>
    internal sealed class PositionSetup : IDisposable
    {
        private readonly List<Tensor> _owned;

        private PositionSetup(HookedTransformer model, Tensor clean, Tensor corrupted, EdgePatcher plain, EdgePatcher positional, List<Tensor> owned)
        {
            Model = model;
            Clean = clean;
            Corrupted = corrupted;
            Plain = plain;
            Positional = positional;
            _owned = owned;
        }

        public HookedTransformer Model { get; }

        public Tensor Clean { get; }

        public Tensor Corrupted { get; }

        public EdgePatcher Plain { get; }

        public EdgePatcher Positional { get; }

        /// <summary>Every positional copy of an edge of the plain graph.</summary>
        public IEnumerable<Edge> Copies(Edge edge) => Positional.Graph.Positions!.Labels.Select(l => edge with { Position = l });

        public static PositionSetup Create(int seed, GraphLevel level, PositionMode mode, long[]? readPositions = null)
        {
            var config = RandomModels.Config(seed);
            var model = RandomModels.Model(config, seed);
            var clean = RandomModels.Tokens(seed, Batch, Length, config.DVocab).DetachFromDisposeScope();
            var corrupted = RandomModels.Tokens(seed + 1, Batch, Length, config.DVocab).DetachFromDisposeScope();
            var owned = new List<Tensor> { clean, corrupted };
            var read = readPositions is null ? null : tensor(readPositions).DetachFromDisposeScope();
            Tensor? groups = null;
            GraphPositions positions;
            if (mode == PositionMode.All)
            {
                positions = GraphPositions.All((int)Length);
            }
            else
            {
                positions = GraphPositions.OfLabels(["A", "B"]); // A, B, other: a layout of its own per prompt
                groups = randint(0, 3, [Batch, Length], generator: new Generator((ulong)seed + 7)).DetachFromDisposeScope();
                owned.Add(groups);
            }

            if (read is not null)
            {
                owned.Add(read);
            }

            var plain = new EdgePatcher(model, ModelGraph.Build(config, level), new PatchingInput(clean, ReadPositions: read), new ResampleAblation(), corrupted);
            var positional = new EdgePatcher(model, ModelGraph.Build(config, level, positions), new PatchingInput(clean, ReadPositions: read, PositionGroups: groups), new ResampleAblation(), corrupted);
            return new PositionSetup(model, clean, corrupted, plain, positional, owned);
        }

        public void Dispose()
        {
            Plain.Dispose();
            Positional.Dispose();
            foreach (var t in _owned)
            {
                t.Dispose();
            }

            Model.Dispose();
        }
    }
}
