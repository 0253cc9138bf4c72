using CircuitFinder.Graph;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Patching.ActivationPatching;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// The patching contract on one random model of each newer architecture — GPT-NeoX (partial rotary, parallel
/// attention and MLP), GPT-Neo (unscaled, local layers), Llama with grouped-query attention, Llama 3 (rope scaling),
/// Mistral (sliding windows), Qwen2 (q/k/v biases), Phi-3 (partial rotary) and Gemma 2 (sandwich norms, soft-caps) — at every graph level:
/// every kind of edge matches the slow hook-based path patch, nothing ablated is the plain forward, everything ablated is
/// the corrupted forward. (The FsCheck properties draw these architectures too; this pins one of each.)
/// </summary>
public sealed class ArchitecturePatchingTests
{
    /// <summary>Every architecture family the random models draw, beside the general mix.</summary>
    public static readonly string[] Families = ["neox", "neo", "llama-gqa", "llama3", "mistral", "qwen2", "phi3", "gemma2"];

    public static TheoryData<string, GraphLevel> Cases()
    {
        var data = new TheoryData<string, GraphLevel>();
        foreach (var family in Families)
        {
            foreach (var level in new[] { GraphLevel.Head, GraphLevel.Qkv, GraphLevel.Neuron })
            {
                data.Add(family, level);
            }
        }

        return data;
    }

    /// <summary>The first seed of <paramref name="family"/> with two or more layers (and, for Llama, shared key/value heads).</summary>
    public static int SeedOf(string family) => Enumerable.Range(0, 400).First(s => RandomModels.Config(s) switch
    {
        { NLayers: < 2 } => false,
        var c when family == "neox" => c is { PositionalEmbeddingType: PositionalEmbeddingType.Rotary, ParallelAttnMlp: true, GatedMlp: false },
        var c when family == "neo" => c.AttnTypes is { AnyLocal: true } && !c.GatedMlp,
        var c when family == "llama3" => c.UseNtkByPartsRope && c.KeyValueGroupSize > 1,
        var c when family == "mistral" => c.GatedMlp && c.AttnTypes is { } t && t.Layers.All(x => x == AttentionType.Local) && c.KeyValueGroupSize > 1,
        var c when family == "qwen2" => c.ModelName.StartsWith("random-qwen2", StringComparison.Ordinal) && c.KeyValueGroupSize > 1,
        var c when family == "phi3" => c.GatedMlp && c.EffectiveRotaryDim is > 0 and < 4 && c.KeyValueGroupSize > 1,
        var c when family == "gemma2" => c.UseNormalizationBeforeAndAfter && c.KeyValueGroupSize > 1 && c.NLayers >= 2,
        var c => family == "llama-gqa" && c.KeyValueGroupSize > 1 && c.PositionalEmbeddingType == PositionalEmbeddingType.Rotary && !c.UseNtkByPartsRope && c.AttnTypes is null && !c.UseNormalizationBeforeAndAfter && c.EffectiveRotaryDim == c.DHead && c.ModelName.StartsWith("random-llama-", StringComparison.Ordinal),
    });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_kind_of_edge_matches_the_slow_path_patch(string family, GraphLevel level)
    {
        using var setup = EdgePatchingInvariantTests.Setup.Create(SeedOf(family), level: level);
        using var scope = NewDisposeScope();
        var kinds = setup.Graph.Edges
            .GroupBy(e => (e.Source.Kind, e.Destination.Kind, e.Input, SameLayer: e.Source.Layer == e.Destination.Layer))
            .Select(g => g.Last())
            .ToList();
        var engine = setup.Patcher.Evaluate(kinds.Select(e => (IReadOnlyCollection<Edge>)[e]).ToList());
        for (int i = 0; i < kinds.Count; i++)
        {
            var slow = SlowEdgePatch.Run(setup.Model, setup.Clean, setup.Corrupted, kinds[i]);
            EdgePatchingInvariantTests.AssertClose(slow, engine[i], $"{family} {level} edge {kinds[i].Id}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nothing_ablated_is_the_plain_forward_and_everything_ablated_the_corrupted_one(string family, GraphLevel level)
    {
        using var setup = EdgePatchingInvariantTests.Setup.Create(SeedOf(family), level: level);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var both = setup.Patcher.Evaluate([[], setup.Graph.Edges.ToList()]);
        EdgePatchingInvariantTests.AssertClose(setup.Model.Forward(setup.Clean), both[0], $"{family} {level}: nothing ablated");
        EdgePatchingInvariantTests.AssertClose(setup.Model.Forward(setup.Corrupted), both[1], $"{family} {level}: everything ablated");
    }

    [Fact]
    public void Activation_patching_of_keys_and_values_under_grouped_query_attention_is_per_key_value_head()
    {
        var config = RandomModels.Config(SeedOf("llama-gqa"));
        using var model = RandomModels.Model(config, 3);
        using var clean = RandomModels.Tokens(3, 2, 6, config.DVocab);
        using var corrupted = RandomModels.Tokens(4, 2, 6, config.DVocab);
        PatchingMetric metric = logits => logits.select(1, -1).select(1, 1).mean().item<float>(); // [b, p, v] -> scalar
        using var patcher = new ActivationPatcher(model, clean, corrupted, metric);
        Assert.Equal(config.NLayers * config.NHeads, patcher.HeadByLayer(HeadActivation.Q).Count);
        var keys = patcher.HeadByLayer(HeadActivation.K);
        Assert.Equal(config.NLayers * config.EffectiveNKeyValueHeads, keys.Count);
        using var noGrad = no_grad();
        int last = config.NLayers - 1, kv = config.EffectiveNKeyValueHeads - 1;
        var (_, cache) = model.RunWithCache(corrupted, [HookName.K(last)]);
        using (cache)
        {
            var reference = model.RunWithHooks(clean, [(HookName.K(last), (k, _) =>
            {
                var patched = k.clone(); // [b, p, kv, e]
                patched[TensorIndex.Colon, TensorIndex.Colon, kv] = cache[HookName.K(last)][TensorIndex.Colon, TensorIndex.Colon, kv];
                return patched;
            })]);
            Assert.Equal(metric(reference), keys.Single(r => r.Layer == last && r.Head == kv).Metric, 5);
        }
    }

    [Fact]
    public void Path_patching_into_a_shared_key_names_key_value_heads()
    {
        var config = RandomModels.Config(SeedOf("llama-gqa"));
        using var model = RandomModels.Model(config, 3);
        using var clean = RandomModels.Tokens(3, 2, 6, config.DVocab);
        using var corrupted = RandomModels.Tokens(4, 2, 6, config.DVocab);
        PatchingMetric metric = logits => logits.select(1, -1).select(1, 1).mean().item<float>(); // [b, p, v] -> scalar
        using var patcher = new PathPatcher(model, clean, corrupted, metric);
        int kv = config.EffectiveNKeyValueHeads;
        var result = patcher.Patch(0, 0, [new PathReceiver(1, kv - 1, QkvChannel.K), new PathReceiver(1, config.NHeads - 1, QkvChannel.Q)]);
        Assert.True(double.IsFinite(result.Metric));
        var e = Assert.Throws<ArgumentException>(() => patcher.Patch(0, 0, [new PathReceiver(1, kv, QkvChannel.V)]));
        Assert.Contains("key/value heads", e.Message);
    }

    [Fact]
    public void In_a_parallel_model_no_MLP_reads_its_own_layers_heads()
    {
        var config = RandomModels.Config(SeedOf("neox"));
        var graph = RandomModels.Graph(config, GraphLevel.Head);
        Assert.DoesNotContain(graph.Edges, e => e.Source.Kind == NodeKind.AttentionHead && e.Destination.Kind == NodeKind.Mlp && e.Source.Layer == e.Destination.Layer);
        Assert.Contains(graph.Edges, e => e.Source.Kind == NodeKind.AttentionHead && e.Destination.Kind == NodeKind.Mlp);
    }

    [Fact]
    public void With_grouped_query_attention_each_query_head_keeps_its_own_key_and_value_edges()
    {
        var config = RandomModels.Config(SeedOf("llama-gqa"));
        var graph = RandomModels.Graph(config, GraphLevel.Qkv);
        int last = config.NLayers - 1;
        for (int h = 0; h < config.NHeads; h++)
        {
            Assert.Contains(graph.Edges, e => e.Id == $"input->a{last}.h{h}<k>");
            Assert.Contains(graph.Edges, e => e.Id == $"input->a{last}.h{h}<v>");
        }
    }
}
