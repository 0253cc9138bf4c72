using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Patching.ActivationPatching;
using Xunit;
using static CircuitFinder.Tests.Patching.ActivationPatching.PatchingTestModels;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.ActivationPatching;

public sealed class PathPatcherTests : IDisposable
{
    private static readonly PathReceiver[] LaterLayerReceivers =
    [
        new PathReceiver(1, 2, QkvChannel.Q),
        new PathReceiver(1, 0, QkvChannel.K),
        new PathReceiver(1, 3, QkvChannel.V),
        new PathReceiver(1, 2, QkvChannel.V),
    ];

    private readonly Tensor _clean = Clean();
    private readonly Tensor _corrupted = Corrupted();

    [Theory]
    [InlineData("tl-gelu-2l-tiny")]
    [InlineData("tl-attn-only-2l-tiny")]
    [InlineData("pythia-tiny")]
    [InlineData("gpt-neo-tiny")]
    public void Given_a_sender_in_the_last_layer_and_the_final_residual_stream_as_receiver_then_the_metric_equals_patching_its_z(string name)
    {
        using var loaded = Load(name);
        var model = loaded.Model;
        int last = model.Config.NLayers - 1;
        using var patcher = new PathPatcher(model, _clean, _corrupted, LogitDifference);
        using var activations = new ActivationPatcher(model, _clean, _corrupted, LogitDifference);
        var direct = activations.HeadByLayer(HeadActivation.Z).Where(r => r.Layer == last).ToList();
        for (int head = 0; head < model.Config.NHeads; head++)
        {
            var result = patcher.Patch(last, head, [PathReceiver.ResidPost(last)]);
            AssertClose(direct[head].Metric, result.Metric, $"L{last}H{head}");
            Assert.Equal((last, head), (result.SenderLayer, result.SenderHead));
            Assert.Equal(patcher.CleanMetric, result.CleanMetric);
            Assert.Equal(patcher.CorruptedMetric, result.CorruptedMetric);
        }
    }

    [Theory]
    [InlineData("tl-gelu-2l-tiny", false)]
    [InlineData("tl-gelu-2l-tiny", true)]
    [InlineData("gpt2-tiny", false)]
    [InlineData("tl-attn-only-2l-tiny", false)]
    [InlineData("pythia-tiny", false)]
    [InlineData("pythia-tiny", true)]
    [InlineData("gpt-neo-tiny", false)]
    public void Given_receivers_in_a_later_layer_then_the_metric_equals_a_slow_three_pass_reference(string name, bool freezeMlps)
    {
        using var loaded = Load(name);
        using var patcher = new PathPatcher(loaded.Model, _clean, _corrupted, LogitDifference, freezeMlps: freezeMlps);
        var moved = 0.0;
        foreach (var (sender, receivers) in new[] { (1, LaterLayerReceivers), (3, [PathReceiver.ResidPost(1)]), (0, LaterLayerReceivers[..1]) })
        {
            var result = patcher.Patch(0, sender, receivers);
            double expected = SlowPathPatch(loaded.Model, 0, sender, receivers, freezeMlps);
            AssertClose(expected, result.Metric, $"L0H{sender} -> {string.Join(", ", receivers.Select(r => r.ToString()))}");
            moved = Math.Max(moved, Math.Abs(result.Metric - patcher.CleanMetric));
        }

        Assert.True(moved > 1e-4, $"no path moved the metric ({moved})");
    }

    [Fact]
    public void Given_every_sender_then_results_equal_one_patch_at_a_time_in_layer_major_order()
    {
        using var loaded = Load("tl-gelu-2l-tiny");
        using var patcher = new PathPatcher(loaded.Model, _clean, _corrupted, LogitDifference, maxCopiesPerRun: 3);
        var toHeads = patcher.PatchEverySender(LaterLayerReceivers);
        Assert.Equal(Enumerable.Range(0, 4).Select(h => (0, h)), toHeads.Select(r => (r.SenderLayer, r.SenderHead)));
        var toLogits = patcher.PatchEverySender([PathReceiver.ResidPost(1)]);
        Assert.Equal(8, toLogits.Count);
        foreach (var result in toHeads.Concat(toLogits))
        {
            var one = patcher.Patch(result.SenderLayer, result.SenderHead, result.Receivers);
            AssertClose(one.Metric, result.Metric, $"L{result.SenderLayer}H{result.SenderHead}");
        }

        Assert.Contains(toHeads.Concat(toLogits), r => Math.Abs(r.Metric - r.CleanMetric) > 1e-4);
    }

    [Fact]
    public void Given_identical_prompts_then_every_path_patch_gives_the_clean_metric()
    {
        using var loaded = Load("tl-gelu-2l-tiny");
        using var patcher = new PathPatcher(loaded.Model, _clean, _clean, LogitDifference, freezeMlps: true);
        var results = patcher.PatchEverySender(LaterLayerReceivers).Concat(patcher.PatchEverySender([PathReceiver.ResidPost(1)])).ToList();
        Assert.Equal(12, results.Count);
        Assert.All(results, r => AssertClose(patcher.CleanMetric, r.Metric, $"L{r.SenderLayer}H{r.SenderHead}"));
    }

    [Fact]
    public void Given_a_sender_that_cannot_reach_a_receiver_then_the_patch_is_refused_naming_both()
    {
        using var loaded = Load("tl-gelu-2l-tiny");
        using var patcher = new PathPatcher(loaded.Model, _clean, _corrupted, LogitDifference);
        var e = Assert.Throws<ArgumentException>(() => patcher.Patch(1, 0, [new PathReceiver(1, 2, QkvChannel.K)]));
        Assert.Contains("L1H0", e.Message);
        Assert.Contains("L1H2.k", e.Message);
        Assert.Throws<ArgumentException>(() => patcher.Patch(0, 0, [new PathReceiver(1, 9, QkvChannel.Q)]));
        Assert.Throws<ArgumentException>(() => patcher.Patch(0, 0, []));
        Assert.Empty(patcher.PatchEverySender([new PathReceiver(0, 1, QkvChannel.Q)]));
    }

    public void Dispose()
    {
        _clean.Dispose();
        _corrupted.Dispose();
    }

    /// <summary>Path patching written out: cache both runs; a frozen run that records the receivers; a run that patches them.</summary>
    private double SlowPathPatch(HookedTransformer model, int senderLayer, int senderHead, PathReceiver[] receivers, bool freezeMlps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var layers = Enumerable.Range(0, model.Config.NLayers).ToList();

        // Pass 1: every head's z, clean and corrupted; the clean MLP outputs.
        var (_, clean) = model.RunWithCache(_clean, layers.Select(HookName.Z).Concat(model.Config.HasMlp ? layers.Select(HookName.MlpOut) : []));
        var (_, corrupted) = model.RunWithCache(_corrupted, layers.Select(HookName.Z));
        var recorded = new Dictionary<string, Tensor>();
        using (clean)
        using (corrupted)
        {
            // Pass 2: sender corrupted, all other heads clean, record the receivers' q/k/v or residual stream.
            var freeze = new List<(string, HookFunction)>();
            foreach (int l in layers)
            {
                freeze.Add((HookName.Z(l), (_, _) =>
                {
                    var z = clean[HookName.Z(l)].clone(); // [b, p, h, e]
                    if (l == senderLayer)
                    {
                        z.narrow(2, senderHead, 1).copy_(corrupted[HookName.Z(l)].narrow(2, senderHead, 1));
                    }

                    return z;
                }));
                if (freezeMlps)
                {
                    freeze.Add((HookName.MlpOut(l), (_, _) => clean[HookName.MlpOut(l)].clone()));
                }
            }

            foreach (var hook in receivers.Select(r => r.Hook).Distinct())
            {
                freeze.Add((hook, (activation, _) =>
                {
                    var copy = activation.clone();
                    copy.DetachFromDisposeScope();
                    recorded[hook] = copy;
                    return null;
                }));
            }

            model.RunWithHooks(_clean, freeze);
        }

        try
        {
            // Pass 3: the clean run with each receiver's slice taken from pass 2.
            var patch = receivers.Select(r => (r.Hook, new HookFunction((activation, _) =>
            {
                if (r.IsResidPost)
                {
                    return recorded[r.Hook].clone();
                }

                var patched = activation.clone(); // [b, p, h, e]
                patched.narrow(2, r.Head, 1).copy_(recorded[r.Hook].narrow(2, r.Head, 1));
                return patched;
            })));
            return LogitDifference(model.RunWithHooks(_clean, patch));
        }
        finally
        {
            foreach (var t in recorded.Values)
            {
                t.Dispose();
            }
        }
    }
}
