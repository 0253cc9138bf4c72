using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// Single-component activation patching (TransformerLens' <c>patching.py</c>), noising direction: the corrupted prompt is
/// run once with a cache, then each component is replaced by its corrupted value in a run on the clean prompt and the
/// metric recorded. Several components of one layer are patched in one forward pass over copies of the clean batch
/// (at most <c>maxCopiesPerRun</c> copies), each copy patching a different position or head. Owns its cache; dispose it.
/// </summary>
public sealed class ActivationPatcher : IDisposable
{
    private static readonly Site ResidPre = new("resid_pre", HookName.ResidPre, PositionDim: 1, HeadDim: -1);
    private static readonly Site AttnOut = new("attn_out", HookName.AttnOut, PositionDim: 1, HeadDim: -1);
    private static readonly Site MlpOut = new("mlp_out", HookName.MlpOut, PositionDim: 1, HeadDim: -1);
    private static readonly Site Z = new("z", HookName.Z, PositionDim: 1, HeadDim: 2); // [b, p, h, e]
    private static readonly Site Q = new("q", HookName.Q, PositionDim: 1, HeadDim: 2); // [b, p, h, e]
    private static readonly Site K = new("k", HookName.K, PositionDim: 1, HeadDim: 2); // [b, p, h, e]
    private static readonly Site V = new("v", HookName.V, PositionDim: 1, HeadDim: 2); // [b, p, h, e]
    private static readonly Site Pattern = new("pattern", HookName.Pattern, PositionDim: 2, HeadDim: 1); // [b, h, q, k]; positions are queries
    private static readonly Site[] Sites = [ResidPre, AttnOut, MlpOut, Z, Q, K, V, Pattern];

    private readonly HookedTransformer _model;
    private readonly PatchingMetric _metric;
    private readonly int _maxCopiesPerRun;
    private readonly Tensor _clean; // [b, p]
    private readonly Tensor? _mask; // [b, p]
    private readonly ActivationCache _corrupted;

    public ActivationPatcher(
        HookedTransformer model, Tensor cleanTokens, Tensor corruptedTokens, PatchingMetric metric, Tensor? attentionMask = null, int maxCopiesPerRun = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cleanTokens);
        ArgumentNullException.ThrowIfNull(corruptedTokens);
        ArgumentNullException.ThrowIfNull(metric);
        BatchedRuns.CheckCopies(maxCopiesPerRun);
        _model = model;
        _metric = metric;
        _maxCopiesPerRun = maxCopiesPerRun;
        _clean = BatchedRuns.Own(cleanTokens, nameof(cleanTokens)); // [b, p]
        using var corrupted = BatchedRuns.Own(corruptedTokens, nameof(corruptedTokens)); // [b, p]
        try
        {
            _mask = attentionMask is null ? null : BatchedRuns.Own(attentionMask, nameof(attentionMask)); // [b, p]
            BatchedRuns.CheckShapes(_clean, corrupted, _mask);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (logits, cache) = model.RunWithCache(corrupted, CachedNames(model), _mask); // logits [b, p, v]
            _corrupted = cache;
            CorruptedMetric = metric(logits);
            CleanMetric = BatchedRuns.Score(model, _clean, _mask, metric);
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

    private int Layers => _model.Config.NLayers;

    private int Heads => _model.Config.NHeads;

    private int Positions => (int)_clean.shape[1];

    /// <summary>The residual stream before each layer, one position at a time (<c>[layer, pos]</c> in TransformerLens).</summary>
    public IReadOnlyList<PatchResult> ResidPreByLayerAndPosition() => Run(ResidPre, ByLayerAndPosition());

    /// <summary>The attention output of each layer, one position at a time.</summary>
    public IReadOnlyList<PatchResult> AttnOutByLayerAndPosition() => Run(AttnOut, ByLayerAndPosition());

    /// <summary>The MLP output of each layer, one position at a time; attention-only models have none.</summary>
    public IReadOnlyList<PatchResult> MlpOutByLayerAndPosition()
    {
        if (!_model.Config.HasMlp)
        {
            throw new InvalidOperationException(
                $"model '{_model.Config.ModelName}' is attention-only: it has no MLP, so there is no hook_mlp_out to patch");
        }

        return Run(MlpOut, ByLayerAndPosition());
    }

    /// <summary>Each head's output (<c>hook_z</c>) at each position (<c>[layer, pos, head]</c> in TransformerLens).</summary>
    public IReadOnlyList<PatchResult> HeadZByLayerAndPosition() =>
        Run(Z, ByLayerAndPosition().SelectMany(v => Enumerable.Range(0, Heads).Select(h => v with { Head = h })));

    /// <summary>
    /// One activation of each head, at every position at once (<c>[layer, head]</c> in TransformerLens). Under grouped-query
    /// attention <c>hook_k</c>/<c>hook_v</c> hold one entry per key/value head, so K and V results are per key/value head.
    /// </summary>
    public IReadOnlyList<PatchResult> HeadByLayer(HeadActivation which)
    {
        var site = which switch
        {
            HeadActivation.Z => Z,
            HeadActivation.Q => Q,
            HeadActivation.K => K,
            HeadActivation.V => V,
            HeadActivation.Pattern => Pattern,
            _ => throw new ArgumentOutOfRangeException(nameof(which), which, "unknown head activation"),
        };
        int heads = which is HeadActivation.K or HeadActivation.V ? _model.Config.EffectiveNKeyValueHeads : Heads;
        var variants = Enumerable.Range(0, Layers).SelectMany(l => Enumerable.Range(0, heads).Select(h => new Variant(l, null, h)));
        return Run(site, variants);
    }

    /// <summary>Z, Q, K, V and pattern of every head, each at all positions, in that order.</summary>
    public IReadOnlyList<PatchResult> HeadAllPositions() =>
        new[] { HeadActivation.Z, HeadActivation.Q, HeadActivation.K, HeadActivation.V, HeadActivation.Pattern }
            .SelectMany(HeadByLayer)
            .ToList();

    /// <summary>
    /// Each of <paramref name="cells"/> patched alone in <paramref name="component"/> (<c>resid_pre</c>, <c>attn_out</c>,
    /// <c>mlp_out</c>, <c>z</c>, <c>q</c>, <c>k</c>, <c>v</c>, <c>pattern</c>), in layer order, with
    /// <paramref name="progress"/> told the fraction done after every forward pass.
    /// </summary>
    public IReadOnlyList<PatchResult> Patch(string component, IEnumerable<PatchCell> cells, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var site = Sites.FirstOrDefault(s => s.Component == component)
            ?? throw new ArgumentException($"unknown component '{component}' (expected {string.Join(", ", Sites.Select(s => s.Component))})", nameof(component));
        if (site == MlpOut && !_model.Config.HasMlp)
        {
            throw new BadInputException($"model '{_model.Config.ModelName}' is attention-only: it has no MLP, so there is no hook_mlp_out to patch");
        }

        var variants = cells.Select(c => new Variant(c.Layer, c.Position, c.Head)).ToList();
        foreach (var v in variants)
        {
            CheckVariant(site, v);
        }

        return Run(site, variants, progress);
    }

    public void Dispose()
    {
        _corrupted?.Dispose();
        _mask?.Dispose();
        _clean.Dispose();
    }

    private static IEnumerable<string> CachedNames(HookedTransformer model) =>
        Enumerable.Range(0, model.Config.NLayers).SelectMany(l =>
        {
            var sites = model.Config.HasMlp ? new[] { ResidPre, AttnOut, MlpOut, Z, Q, K, V, Pattern } : new[] { ResidPre, AttnOut, Z, Q, K, V, Pattern };
            return sites.Select(s => s.Hook(l));
        });

    private static Tensor Slice(Site site, Tensor activation, Variant variant)
    {
        var slice = activation; // [b, ...]
        if (variant.Position is int p && site.PositionDim >= 0)
        {
            slice = slice.narrow(site.PositionDim, p, 1); // position axis of length 1
        }

        if (variant.Head is int h && site.HeadDim >= 0)
        {
            slice = slice.narrow(site.HeadDim, h, 1); // head axis of length 1
        }

        return slice;
    }

    private IEnumerable<Variant> ByLayerAndPosition() =>
        Enumerable.Range(0, Layers).SelectMany(l => Enumerable.Range(0, Positions).Select(p => new Variant(l, p, null)));

    private List<PatchResult> Run(Site site, IEnumerable<Variant> variants, IProgress<double>? progress = null)
    {
        var results = new List<PatchResult>();
        var all = variants.ToList();
        foreach (var layer in all.GroupBy(v => v.Layer))
        {
            foreach (var chunk in layer.Chunk(_maxCopiesPerRun))
            {
                results.AddRange(RunChunk(site, chunk));
                progress?.Report((double)results.Count / all.Count);
            }
        }

        return results;
    }

    private void CheckVariant(Site site, Variant v)
    {
        int heads = site == K || site == V ? _model.Config.EffectiveNKeyValueHeads : Heads;
        if (v.Layer < 0 || v.Layer >= Layers)
        {
            throw new ArgumentException($"layer {v.Layer} is outside 0..{Layers - 1}");
        }

        if (v.Position is int p && (p < 0 || p >= Positions))
        {
            throw new ArgumentException($"position {p} is outside 0..{Positions - 1}");
        }

        if (v.Head is int h && (site.HeadDim < 0 || h < 0 || h >= heads))
        {
            throw new ArgumentException(site.HeadDim < 0 ? $"{site.Component} has no heads" : $"head {h} is outside 0..{heads - 1}");
        }
    }

    private List<PatchResult> RunChunk(Site site, Variant[] chunk)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int copies = chunk.Length;
        long batch = _clean.shape[0];
        string hook = site.Hook(chunk[0].Layer);
        var source = _corrupted[hook]; // [b, ...]
        var tokens = _clean.repeat(copies, 1); // [c*b, p]
        var mask = _mask?.repeat(copies, 1); // [c*b, p]

        Tensor? Patch(Tensor activation, HookPoint point)
        {
            var patched = activation.clone(); // [c*b, ...]
            for (int i = 0; i < copies; i++)
            {
                Slice(site, patched.narrow(0, i * batch, batch), chunk[i]).copy_(Slice(site, source, chunk[i])); // copy i: [b, ...]
            }

            return patched;
        }

        var logits = _model.RunWithHooks(tokens, [(hook, new HookFunction(Patch))], mask); // [c*b, p, v]
        var scores = BatchedRuns.ScoreCopies(logits, copies, batch, _metric);
        return chunk.Select((v, i) => new PatchResult(site.Component, v.Layer, v.Position, v.Head, scores[i])).ToList();
    }

    /// <summary>Where a component lives: its hook per layer and the axes of position and head in its activation (-1: none).</summary>
    private sealed record Site(string Component, Func<int, string> Hook, int PositionDim, int HeadDim);

    /// <summary>One patch: the layer, and the position and head patched (null: all).</summary>
    private sealed record Variant(int Layer, int? Position, int? Head);
}
