using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// Each ablation, with every edge ablated, equals the forward pass where every source's output is replaced by its
/// ablated value — written independently with hooks.
/// </summary>
public sealed class AblationTests
{
    private static readonly int Seed = Enumerable.Range(0, 100).First(s =>
        RandomModels.Config(s) is { AttnOnly: false, NLayers: >= 2, PositionalEmbeddingType: PositionalEmbeddingType.Standard });

    [Fact]
    public void Zero_ablation_of_every_edge_equals_zeroing_every_source()
    {
        RunAllEdges(new ZeroAblation(), (model, clean) => model.RunWithHooks(clean, SourceHooks(model, (name, x) => zeros_like(x))));
    }

    [Fact]
    public void Mean_ablation_over_positions_of_every_edge_equals_the_batch_and_position_mean_of_every_source()
    {
        RunAllEdges(new MeanAblation(perPosition: false), (model, clean) =>
        {
            var means = SourceMeans(model, clean, dims: [0L, 1L]);
            return model.RunWithHooks(clean, SourceHooks(model, (name, x) => means[name].expand_as(x).clone()));
        });
    }

    [Fact]
    public void Per_position_mean_ablation_of_every_edge_equals_the_batch_mean_of_every_source()
    {
        RunAllEdges(new MeanAblation(perPosition: true), (model, clean) =>
        {
            var means = SourceMeans(model, clean, dims: [0L]);
            return model.RunWithHooks(clean, SourceHooks(model, (name, x) => means[name].expand_as(x).clone()));
        });
    }

    [Fact]
    public void Noise_ablation_of_every_edge_equals_the_forward_with_noisy_embeddings_and_is_seeded()
    {
        RunAllEdges(new NoiseAblation(), (model, clean) =>
        {
            var (_, cache) = model.RunWithCache(clean, [HookName.Embed, HookName.PosEmbed]);
            using (cache)
            {
                var input = cache[HookName.Embed] + cache[HookName.PosEmbed];
                double sigma = input.std().item<float>() * 3;
                var noise = randn(input.shape, generator: new Generator(7)) * sigma;
                return model.RunWithHooks(clean, [(HookName.Embed, (e, _) => e + noise)]);
            }
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mean_ablation_of_every_edge_at_neuron_level_equals_the_mean_of_every_MLPs_output(bool perPosition)
    {
        // a neuron's mean output is its mean post-activation times its W_out row, and b_out stays: summed over the
        // neurons, the MLP's mean output
        long[] dims = perPosition ? [0L] : [0L, 1L];
        RunAllEdges(new MeanAblation(perPosition), (model, clean) =>
        {
            var means = SourceMeans(model, clean, dims);
            return model.RunWithHooks(clean, SourceHooks(model, (name, x) => means[name].expand_as(x).clone()));
        }, GraphLevel.Neuron);
    }

    [Fact]
    public void Mean_ablation_at_neuron_level_is_refused_by_name_for_a_model_with_a_norm_after_the_MLP()
    {
        int seed = ArchitecturePatchingTests.SeedOf("gemma2");
        var config = RandomModels.Config(seed);
        using var model = RandomModels.Model(config, seed);
        using var scope = NewDisposeScope();
        var clean = RandomModels.Tokens(seed, 2, 5, config.DVocab);
        var graph = RandomModels.Graph(config, GraphLevel.Neuron);
        var error = Assert.Throws<BadInputException>(() => new EdgePatcher(model, graph, new PatchingInput(clean), new MeanAblation(perPosition: false)).Dispose());
        Assert.Contains("--ablation mean", error.Message, StringComparison.Ordinal);
        Assert.Contains("neuron level", error.Message, StringComparison.Ordinal);
        using var zero = new EdgePatcher(model, graph, new PatchingInput(clean), new ZeroAblation()); // zero outputs are zero post-activations and gains
    }

    [Fact]
    public void The_catalog_knows_every_ablation()
    {
        Assert.All(AblationCatalog.Names, n => Assert.Equal(n, AblationCatalog.Create(n).Name));
        Assert.Throws<ArgumentException>(() => AblationCatalog.Create("shuffle"));
    }

    private static void RunAllEdges(IAblation ablation, Func<HookedTransformer, Tensor, Tensor> expected, GraphLevel level = GraphLevel.Qkv)
    {
        var config = RandomModels.Config(Seed);
        using var model = RandomModels.Model(config, Seed);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var clean = RandomModels.Tokens(Seed, 4, 6, config.DVocab);
        var graph = RandomModels.Graph(config, level);
        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean), ablation, seed: 7);
        var patched = patcher.Evaluate([graph.Edges.ToList()])[0];
        var plain = model.Forward(clean);
        Assert.True((patched - plain).abs().max().item<float>() > 1e-3, $"{ablation.Name}: ablating everything should change the output");
        EdgePatchingInvariantTests.AssertClose(expected(model, clean), patched, ablation.Name);
    }

    private static IEnumerable<(string, HookFunction)> SourceHooks(HookedTransformer model, Func<string, Tensor, Tensor> replace)
    {
        var names = new List<string> { HookName.Embed, HookName.PosEmbed };
        for (int l = 0; l < model.Config.NLayers; l++)
        {
            names.Add(HookName.Result(l));
            names.Add(HookName.MlpOut(l));
        }

        return names.Select(n => (n, (HookFunction)((x, _) => replace(n, x))));
    }

    private static Dictionary<string, Tensor> SourceMeans(HookedTransformer model, Tensor clean, long[] dims)
    {
        var names = SourceHooks(model, (_, x) => x).Select(h => h.Item1).ToList();
        var (_, cache) = model.RunWithCache(clean, names);
        using (cache)
        {
            return names.ToDictionary(n => n, n => cache[n].mean(dims, keepdim: true).clone());
        }
    }
}
