using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Attribution;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Scrubbing.Causal;
using CircuitFinder.Tasks.Generators;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Devices;

/// <summary>
/// Everything a run creates follows the model's device. No CUDA libtorch is served here, so the second device is
/// libtorch's <c>meta</c> device (shapes, no data), which every CPU build has: the weights move there, the inputs are
/// made on the CPU as a user makes them, and an elementwise op that mixes meta and CPU tensors throws ("Expected all
/// tensors to be on the same device"). Meta cannot read values back (metrics, scores), so these tests stop at the
/// tensors; and it accepts a CPU operand in <c>matmul</c> and <c>gather</c>, so a source scan below also checks that
/// every tensor the run paths create names its device.
/// </summary>
public sealed class MetaDeviceTests
{
    private static readonly Device Meta = new(DeviceType.META);

    public static TheoryData<string> Families => new() { "gpt2", "neox", "llama-gqa", "shortformer" };

    [Theory]
    [MemberData(nameof(Families))]
    public void Given_weights_on_the_meta_device_the_plain_forward_edge_patching_eap_and_a_scrub_step_stay_on_it(string family)
    {
        using var model = RandomWeights.CreateModel(Config(family), seed: 3);
        model.to(Meta);
        var c = model.Config;
        using var scope = NewDisposeScope();
        var clean = randint(0, c.DVocab, [3, 9], generator: new Generator(1)); // [3, 9], made on the CPU
        var corrupted = randint(0, c.DVocab, [3, 9], generator: new Generator(2));
        var answers = randint(0, c.DVocab, [3, 1], generator: new Generator(3));
        var wrong = randint(0, c.DVocab, [3, 1], generator: new Generator(4));
        var read = full([3L], 8L, ScalarType.Int64);

        AssertOnMeta(model.Forward(clean), "plain forward");

        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: read), new ResampleAblation(), corrupted);
        var half = graph.Edges.Where((_, i) => i % 2 == 0).ToList();
        AssertOnMeta(patcher.Evaluate([[graph.Edges[^1]], half, graph.Edges.ToList()]), "edge-masked forward");

        var slots = new DestinationSlots(patcher.Layout);
        foreach (int steps in new[] { 0, 2 })
        {
            foreach (var table in EdgeAttribution.ScoreTables(model, patcher, new LogitDifferenceMetric(), answers, wrong, steps, slots).Rows)
            {
                AssertOnMeta(table, steps == 0 ? "EAP scores" : "EAP-IG scores");
            }
        }

        var dataset = new InductionGenerator(sequenceLength: 4).Generate(6, 0, null, c.DVocab);
        var hypothesis = new Hypothesis("whole prompt", graph, graph.Edges.ToDictionary(e => e, _ => (InputFeature)new PromptFeature()));
        using var scrubber = new CausalScrubber(model, graph, dataset);
        AssertOnMeta(scrubber.ScrubbedLogits(hypothesis, new ScrubOptions { BatchSize = 4, Seed = 1 }), "scrub step");
    }

    [Fact]
    public void Given_weights_on_the_meta_device_when_the_ablated_values_are_left_on_the_cpu_then_the_masked_forward_fails()
    {
        using var model = RandomWeights.CreateModel(Config("gpt2"), seed: 3);
        model.to(Meta);
        var c = model.Config;
        using var scope = NewDisposeScope();
        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        var engine = new EdgeMaskedForward(model, new GraphLayout(graph, c));
        var input = new PatchingInput(randint(0, c.DVocab, [3, 9], generator: new Generator(1)).to(Meta));
        using var record = engine.Record(input);
        using var ablatedOnCpu = new SourceOutputs(zeros(record.Outputs.shape)); // deliberately on the CPU

        var error = Assert.ThrowsAny<ExternalException>(() => engine.Run(input, record, ablatedOnCpu, [[graph.Edges[0]]]));
        Assert.Contains("same device", error.Message, StringComparison.Ordinal);
        AssertOnMeta(engine.Run(input, record, record.Sources, [[graph.Edges[0]]]), "the same run with x̃ on the model's device");
    }

    [Fact]
    public void Every_tensor_the_run_paths_create_names_its_device()
    {
        // meta accepts a CPU operand in matmul and gather, so creation sites are checked in the source: a factory call in
        // the modules, routes, patching, scrubbing and detectors names a device, creates a parameter (moved with the
        // model), or says why it lives on the host ("host:")
        var factory = new Regex(@"(^|[^_\w.])(tensor|zeros|ones|empty|full|arange|randn|rand|randint|eye|linspace)\(", RegexOptions.CultureInvariant);
        string root = RealModels.RepositoryRoot() ?? throw new InvalidOperationException("repository root (CircuitFinder.sln) not found above the test binaries");
        var folders = new[] { "Model/Modules", "Model/Routing", "Patching", "Scrubbing", "Detectors" };
        var offenders = folders
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, "src", f), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(p => File.ReadLines(p).Select((line, i) => (Path: p, Line: i + 1, Text: line)))
            .Where(x => factory.IsMatch(x.Text) && !x.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(x => !x.Text.Contains("device", StringComparison.OrdinalIgnoreCase) && !x.Text.Contains("Parameter", StringComparison.Ordinal) && !x.Text.Contains("host:", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(root, x.Path)}:{x.Line}: {x.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "tensors created without a device:\n" + string.Join('\n', offenders));
    }

    private static void AssertOnMeta(Tensor t, string what) => Assert.True(t.device_type == DeviceType.META, $"{what}: on {t.device}, expected meta");

    private static HookedTransformerConfig Config(string family)
    {
        var config = new HookedTransformerConfig
        {
            NLayers = 2,
            DModel = 16,
            NHeads = 4,
            DHead = 4,
            DMlp = 12,
            DVocab = 29,
            NCtx = 16,
            ActFn = ActivationFunction.GeluNew,
            NormalizationType = NormalizationType.LN,
            ModelName = $"meta-{family}",
        };
        return (family switch
        {
            "neox" => config with { PositionalEmbeddingType = PositionalEmbeddingType.Rotary, RotaryDim = 2, ParallelAttnMlp = true, ActFn = ActivationFunction.Gelu },
            "llama-gqa" => config with
            {
                PositionalEmbeddingType = PositionalEmbeddingType.Rotary, RotaryDim = 4, NKeyValueHeads = 2, GatedMlp = true,
                ActFn = ActivationFunction.Silu, NormalizationType = NormalizationType.RMS,
            },
            "shortformer" => config with { PositionalEmbeddingType = PositionalEmbeddingType.Shortformer, NormalizationType = NormalizationType.LNPre },
            _ => config,
        }).Validate($"meta device config {family}");
    }
}
