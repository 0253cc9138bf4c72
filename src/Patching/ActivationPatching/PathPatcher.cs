using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// Path patching from one sender head to chosen receivers (Wang et al. 2022, as in ARENA): (1) cache the clean and
/// corrupted runs; (2) run the clean prompt with the sender's <c>hook_z</c> slice taken from the corrupted run and every
/// other head's <c>hook_z</c> frozen at its clean value (MLPs recompute unless <c>freezeMlps</c>), caching the receivers'
/// inputs; (3) run the clean prompt with only the receivers' inputs replaced by those of step 2, and score it.
/// Several senders are handled in one forward pass over copies of the clean batch. Owns its caches; dispose it.
/// </summary>
public sealed class PathPatcher : IDisposable
{
    private readonly HookedTransformer _model;
    private readonly PatchingMetric _metric;
    private readonly int _maxCopiesPerRun;
    private readonly Tensor _clean; // [b, p]
    private readonly Tensor? _mask; // [b, p]
    private readonly ActivationCache _cleanCache; // hook_z [b, p, h, e] of every layer; hook_mlp_out [b, p, d] when freezing MLPs
    private readonly ActivationCache _corruptedCache; // hook_z [b, p, h, e] of every layer

    public PathPatcher(
        HookedTransformer model,
        Tensor cleanTokens,
        Tensor corruptedTokens,
        PatchingMetric metric,
        Tensor? attentionMask = null,
        bool freezeMlps = false,
        int maxCopiesPerRun = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cleanTokens);
        ArgumentNullException.ThrowIfNull(corruptedTokens);
        ArgumentNullException.ThrowIfNull(metric);
        BatchedRuns.CheckCopies(maxCopiesPerRun);
        _model = model;
        _metric = metric;
        _maxCopiesPerRun = maxCopiesPerRun;
        FreezeMlps = freezeMlps && model.Config.HasMlp;
        _clean = BatchedRuns.Own(cleanTokens, nameof(cleanTokens)); // [b, p]
        using var corrupted = BatchedRuns.Own(corruptedTokens, nameof(corruptedTokens)); // [b, p]
        try
        {
            _mask = attentionMask is null ? null : BatchedRuns.Own(attentionMask, nameof(attentionMask)); // [b, p]
            BatchedRuns.CheckShapes(_clean, corrupted, _mask);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var layers = Enumerable.Range(0, model.Config.NLayers).ToList();
            var cleanNames = layers.Select(HookName.Z).Concat(FreezeMlps ? layers.Select(HookName.MlpOut) : []);
            var (cleanLogits, cleanCache) = model.RunWithCache(_clean, cleanNames, _mask); // logits [b, p, v]
            _cleanCache = cleanCache;
            CleanMetric = metric(cleanLogits);
            var (corruptedLogits, corruptedCache) = model.RunWithCache(corrupted, layers.Select(HookName.Z), _mask); // logits [b, p, v]
            _corruptedCache = corruptedCache;
            CorruptedMetric = metric(corruptedLogits);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The metric of the unpatched clean run.</summary>
    public double CleanMetric { get; }

    /// <summary>The metric of the unpatched corrupted run.</summary>
    public double CorruptedMetric { get; }

    /// <summary>Whether step 2 also freezes every MLP output at its clean value (false: MLPs recompute, as in Wang et al.).</summary>
    public bool FreezeMlps { get; }

    /// <summary>The metric after patching the path from head <paramref name="senderLayer"/>.<paramref name="senderHead"/> to <paramref name="receivers"/>.</summary>
    public PathPatchResult Patch(int senderLayer, int senderHead, IReadOnlyList<PathReceiver> receivers)
    {
        var checkedReceivers = CheckReceivers(receivers);
        CheckSender(senderLayer, senderHead, checkedReceivers);
        return RunChunk([new Sender(senderLayer, senderHead)], checkedReceivers)[0];
    }

    /// <summary>
    /// <see cref="Patch"/> for every head that can send to all <paramref name="receivers"/>: every layer before the earliest
    /// q/k/v receiver, and up to and including the layer of a <see cref="PathReceiver.ResidPost"/> receiver. Layer-major order.
    /// </summary>
    public IReadOnlyList<PathPatchResult> PatchEverySender(IReadOnlyList<PathReceiver> receivers)
    {
        var checkedReceivers = CheckReceivers(receivers);
        int lastLayer = checkedReceivers.Min(r => r.LastSenderLayer);
        var senders = Enumerable.Range(0, lastLayer + 1)
            .SelectMany(l => Enumerable.Range(0, _model.Config.NHeads).Select(h => new Sender(l, h)));
        var results = new List<PathPatchResult>();
        foreach (var chunk in senders.Chunk(_maxCopiesPerRun))
        {
            results.AddRange(RunChunk(chunk, checkedReceivers));
        }

        return results;
    }

    public void Dispose()
    {
        _cleanCache?.Dispose();
        _corruptedCache?.Dispose();
        _mask?.Dispose();
        _clean.Dispose();
    }

    private PathReceiver[] CheckReceivers(IReadOnlyList<PathReceiver> receivers)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        if (receivers.Count == 0)
        {
            throw new ArgumentException("path patching needs at least one receiver", nameof(receivers));
        }

        foreach (var r in receivers)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(receivers));
            if (r.Layer < 0 || r.Layer >= _model.Config.NLayers)
            {
                throw new ArgumentException($"receiver {r}: layer {r.Layer} is outside 0..{_model.Config.NLayers - 1}", nameof(receivers));
            }

            // under grouped-query attention hook_k / hook_v hold one entry per key/value head
            int heads = r.Channel is QkvChannel.K or QkvChannel.V ? _model.Config.EffectiveNKeyValueHeads : _model.Config.NHeads;
            if (!r.IsResidPost && (r.Head < 0 || r.Head >= heads))
            {
                string what = heads == _model.Config.NHeads ? string.Empty : " (key/value heads: the model shares them between query heads)";
                throw new ArgumentException($"receiver {r}: head {r.Head} is outside 0..{heads - 1}{what}", nameof(receivers));
            }
        }

        return receivers.Distinct().ToArray();
    }

    private void CheckSender(int layer, int head, PathReceiver[] receivers)
    {
        if (layer < 0 || layer >= _model.Config.NLayers || head < 0 || head >= _model.Config.NHeads)
        {
            throw new ArgumentException(
                $"sender L{layer}H{head} does not exist (layers 0..{_model.Config.NLayers - 1}, heads 0..{_model.Config.NHeads - 1})", nameof(layer));
        }

        var unreachable = receivers.FirstOrDefault(r => r.LastSenderLayer < layer);
        if (unreachable is not null)
        {
            throw new ArgumentException($"sender L{layer}H{head} comes too late to reach receiver {unreachable}", nameof(layer));
        }
    }

    private List<PathPatchResult> RunChunk(Sender[] senders, PathReceiver[] receivers)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int copies = senders.Length;
        long batch = _clean.shape[0];
        var tokens = _clean.repeat(copies, 1); // [c*b, p]
        var mask = _mask?.repeat(copies, 1); // [c*b, p]

        // Step 2: senders from the corrupted run, every other head frozen clean; record what the receivers see.
        var freezes = new List<HookHandle>();
        ActivationCache received;
        try
        {
            for (int l = 0; l < _model.Config.NLayers; l++)
            {
                int layer = l;
                freezes.Add(_model.AddHook(HookName.Z(layer), (_, _) => FrozenZ(layer, senders, batch)));
                if (FreezeMlps)
                {
                    freezes.Add(_model.AddHook(HookName.MlpOut(layer), (_, _) => _cleanCache[HookName.MlpOut(layer)].repeat(copies, 1, 1))); // [c*b, p, d]
                }
            }

            received = _model.RunWithCache(tokens, receivers.Select(r => r.Hook).Distinct(), mask).Cache;
        }
        finally
        {
            HookHandle.Combine(freezes).Dispose();
        }

        // Step 3: a clean run in which only the receivers' inputs change.
        using (received)
        {
            var hooks = receivers
                .GroupBy(r => r.Hook)
                .Select(g => (g.Key, new HookFunction((activation, _) => Receive(activation, received[g.Key], g))))
                .ToList();
            var logits = _model.RunWithHooks(tokens, hooks, mask); // [c*b, p, v]
            var scores = BatchedRuns.ScoreCopies(logits, copies, batch, _metric);
            return senders.Select((s, i) => new PathPatchResult(s.Layer, s.Head, receivers, scores[i], CleanMetric, CorruptedMetric)).ToList();
        }
    }

    /// <summary>hook_z <c>[c*b, p, h, e]</c> of <paramref name="layer"/>: clean everywhere but copy i's sender head, which is corrupted.</summary>
    private Tensor FrozenZ(int layer, Sender[] senders, long batch)
    {
        string name = HookName.Z(layer);
        var frozen = _cleanCache[name].repeat(senders.Length, 1, 1, 1); // [c*b, p, h, e]
        var corrupted = _corruptedCache[name]; // [b, p, h, e]
        for (int i = 0; i < senders.Length; i++)
        {
            if (senders[i].Layer == layer)
            {
                int head = senders[i].Head;
                frozen.narrow(0, i * batch, batch).narrow(2, head, 1).copy_(corrupted.narrow(2, head, 1)); // [b, p, 1, e]
            }
        }

        return frozen;
    }

    /// <summary>The receivers' slices of <paramref name="activation"/> replaced by those of step 2 (all of it for resid_post).</summary>
    private static Tensor Receive(Tensor activation, Tensor fromStep2, IEnumerable<PathReceiver> receivers)
    {
        if (receivers.Any(r => r.IsResidPost))
        {
            return fromStep2.clone(); // [c*b, p, d]
        }

        var patched = activation.clone(); // [c*b, p, h, e]
        foreach (int head in receivers.Select(r => r.Head).Distinct())
        {
            patched.narrow(2, head, 1).copy_(fromStep2.narrow(2, head, 1)); // [c*b, p, 1, e]
        }

        return patched;
    }

    /// <summary>A sender head.</summary>
    private sealed record Sender(int Layer, int Head);
}
