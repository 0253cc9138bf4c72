using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Studies.Measures;

/// <summary>
/// Ablates attention heads one at a time through <c>blocks.{l}.attn.hook_z</c> (TransformerLens' way: the head's z
/// replaced before W_O) and measures a metric of the logits. Mean ablation takes each position's mean over the batch;
/// resample ablation takes the head's z on <c>source</c> tokens (the task's corrupted prompts, or the batch shifted by one).
/// </summary>
public sealed class HeadAblation : IDisposable
{
    private readonly HookedTransformer _model;
    private readonly Tensor _tokens; // [b, p]
    private readonly Tensor? _mask; // [b, p]
    private readonly Func<Tensor, double> _metric;
    private readonly Dictionary<int, Tensor> _mean = []; // layer → [1, p, h, d_head]
    private readonly Dictionary<int, Tensor> _resample = []; // layer → [b, p, h, d_head]
    private readonly Tensor? _source;

    /// <param name="metric">The metric of logits <c>[b, p, d_vocab_out]</c> (a mean over the batch).</param>
    /// <param name="source">Tokens <c>[b, p]</c> whose z resample ablation uses; null: the batch rolled by one prompt.</param>
    public HeadAblation(HookedTransformer model, Tensor tokens, Tensor? mask, Func<Tensor, double> metric, Tensor? source = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokens = tokens.to(model.Device).DetachFromDisposeScope();
        _mask = mask?.to(model.Device).DetachFromDisposeScope();
        _metric = metric ?? throw new ArgumentNullException(nameof(metric));
        _source = source?.to(model.Device).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Clean = metric(model.Forward(_tokens, _mask));
    }

    /// <summary>The metric with nothing ablated.</summary>
    public double Clean { get; }

    /// <summary>The metric with the heads in <paramref name="heads"/> (layer, head) ablated together.</summary>
    public double Ablated(HeadAblationKind kind, params (int Layer, int Head)[] heads)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var attached = Attach(kind, heads);
        return _metric(_model.Forward(_tokens, _mask));
    }

    /// <summary>
    /// Attaches hooks that ablate <paramref name="heads"/> in every plain run of the model (a view, a cache) until the
    /// returned handle is disposed. The inputs' shape must be this ablation's (mean and resample values are per position).
    /// </summary>
    public IDisposable Attach(HeadAblationKind kind, params (int Layer, int Head)[] heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var handles = heads.GroupBy(h => h.Layer).Select(g =>
        {
            var replacement = Replacement(kind, g.Key);
            var indices = g.Select(h => (long)h.Head).ToArray();
            HookFunction hook = (z, _) => // z: [b, p, h, d_head]
            {
                var edited = z.clone();
                foreach (long head in indices)
                {
                    edited[TensorIndex.Colon, TensorIndex.Colon, head] = replacement is null
                        ? zeros_like(z[TensorIndex.Colon, TensorIndex.Colon, head])
                        : replacement[TensorIndex.Colon, TensorIndex.Colon, head].expand_as(z[TensorIndex.Colon, TensorIndex.Colon, head]);
                }

                return edited;
            };
            return _model.AddHook(HookName(g.Key), hook);
        }).ToList();
        return HookHandle.Combine(handles);
    }

    /// <summary>The metric with each head ablated alone, <c>[layer, head]</c>.</summary>
    public double[,] EveryHead(HeadAblationKind kind)
    {
        var config = _model.Config;
        var values = new double[config.NLayers, config.NHeads];
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                values[l, h] = Ablated(kind, (l, h));
            }
        }

        return values;
    }

    public void Dispose()
    {
        _tokens.Dispose();
        _mask?.Dispose();
        _source?.Dispose();
        foreach (var t in _mean.Values.Concat(_resample.Values))
        {
            t.Dispose();
        }
    }

    private static string HookName(int layer) => $"blocks.{layer}.attn.hook_z";

    private Tensor? Replacement(HeadAblationKind kind, int layer) => kind switch
    {
        HeadAblationKind.Zero => null,
        HeadAblationKind.Mean => Cached(_mean, layer, () => Z(_tokens, layer).mean([0L], keepdim: true)),
        _ => Cached(_resample, layer, () => _source is null ? Z(_tokens, layer).roll(1, 0) : Z(_source, layer)),
    };

    private static Tensor Cached(Dictionary<int, Tensor> cache, int layer, Func<Tensor> make)
    {
        if (!cache.TryGetValue(layer, out var value))
        {
            using var scope = NewDisposeScope();
            value = make().MoveToOuterDisposeScope();
            value.DetachFromDisposeScope();
            cache[layer] = value;
        }

        return value;
    }

    private Tensor Z(Tensor tokens, int layer)
    {
        using var noGrad = no_grad();
        var (_, cache) = _model.RunWithCache(tokens, [HookName(layer)], _mask);
        using (cache)
        {
            return cache[HookName(layer)].clone(); // [b, p, h, d_head]
        }
    }
}
